import { stripVTControlCharacters } from 'node:util';

/** C0 and C1 control characters other than newline and tab (ESC, BEL, backspace, CR, …). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from a model, safe to print on a terminal: ANSI/VT escape sequences removed (Node's
 * `stripVTControlCharacters`), then every remaining control character but `\n` and `\t` (a lone
 * ESC, BEL, backspace, carriage return), so a model's output can neither clear the screen, move
 * the cursor, retitle the window nor overwrite what it printed. Works chunk by chunk: a sequence
 * cut between two chunks loses its ESC and prints as harmless text.
 */
export function terminalSafe(text: string): string {
  return stripVTControlCharacters(text.replace(/\r\n/g, '\n')).replace(CONTROL, '');
}

/** Whether `text` holds a control character other than `\n` and `\t` (what {@link terminalSafe} removes). */
export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

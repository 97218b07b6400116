import type { Terminal } from '../output/print.js';

/** When the gateway run by this command logs pino-pretty lines instead of JSON. */
export function wantsPrettyLogs(
  terminal: Terminal,
  flags: { json?: boolean; logPath?: string | null },
): boolean {
  // A person at a terminal reads lines; a log file, a pipe and `--json` keep pino's JSON.
  return terminal.isTTY && flags.json !== true && (flags.logPath === undefined || flags.logPath === null);
}

/**
 * A pino destination that writes readable, coloured lines to stdout (pino-pretty), loaded on
 * demand so commands that only talk HTTP do not pay for it.
 */
export async function prettyLogDestination(): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: true,
    destination: 1,
    sync: false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}

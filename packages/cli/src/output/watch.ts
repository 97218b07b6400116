import type { CliContext } from '../context.js';
import { createOutput, type Output } from './print.js';

/** Options of {@link watch}. */
export interface WatchOptions {
  /** Milliseconds between two refreshes. */
  intervalMs: number;
  /** Waits between refreshes; tests pass an instant one. */
  sleep: (ms: number) => Promise<void>;
  /** Stop after this many refreshes (tests); default: until Ctrl-C. */
  maxRefreshes?: number;
}

/** Clear the screen and move the cursor home (ECMA-48 `ED 2` + `CUP`). */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

/**
 * `--watch`: render `once` into a buffer every `intervalMs` and print it when it changed. On a
 * terminal the screen is redrawn (as `watch(1)` does); elsewhere (a pipe, `-o json|yaml`) each
 * changed rendering is appended, so a program reads one document per change. Ends on Ctrl-C.
 */
export async function watch(
  context: CliContext,
  output: Output,
  once: (buffered: Output) => Promise<void>,
  options: WatchOptions,
): Promise<void> {
  let stopped = false;
  let wake: () => void = () => {};
  const interrupted = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const unsubscribe = context.onSignal('SIGINT', () => {
    stopped = true;
    wake();
  });
  let previous: string | undefined;
  let refreshes = 0;
  try {
    while (!stopped) {
      let text = '';
      const buffered = createOutput(
        {
          write: (chunk) => {
            text += chunk;
          },
          writeError: (chunk) => output.terminal.writeError(chunk),
          isTTY: false,
        },
        { format: output.format },
      );
      await once(buffered);
      if (text !== previous) {
        if (output.interactive) output.raw(`${CLEAR_SCREEN}${text}`);
        else output.raw(text);
        previous = text;
      }
      refreshes += 1;
      if (options.maxRefreshes !== undefined && refreshes >= options.maxRefreshes) break;
      await Promise.race([options.sleep(options.intervalMs), interrupted]);
    }
  } finally {
    unsubscribe();
  }
}

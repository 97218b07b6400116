import type { Output } from './print.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_INTERVAL_MS = 80;

/** A spinner with the time elapsed on a terminal, plain lines otherwise. */
export interface Progress {
  /** Show `text` (a spinner frame and the seconds waited on a TTY; elsewhere a new line, only when the text changed). */
  update(text: string): void;
  /** Stop the spinner and leave `text`, with the time it took on a TTY, as the last line. */
  done(text: string): void;
  /** Stop the spinner and clear its line (nothing is printed when not on a TTY). */
  stop(): void;
}

export interface ProgressOptions {
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  /** Milliseconds now (tests pass a fake clock). */
  now?: () => number;
}

/** `4s`, `1m05s`: the time a wait has taken so far. */
function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * A {@link Progress} over `output`: animated only when a person watches (`output.interactive`),
 * one line per change otherwise, so logs and CI output stay readable.
 */
export function createProgress(output: Output, options: ProgressOptions = {}): Progress {
  if (!output.interactive) return plainProgress(output);
  const startTimer = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
  const stopTimer = options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
  const now = options.now ?? Date.now;
  const startedAt = now();
  let text = '';
  let frame = 0;
  let timer: unknown;
  const render = () => {
    output.raw(`\r\u001b[2K${FRAMES[frame % FRAMES.length]} ${text} (${formatElapsed(now() - startedAt)})`);
    frame += 1;
  };
  const halt = () => {
    if (timer !== undefined) stopTimer(timer);
    timer = undefined;
  };
  return {
    update(next) {
      text = next;
      if (timer === undefined) {
        timer = startTimer(render, FRAME_INTERVAL_MS);
        // A spinner never keeps the process alive on its own.
        (timer as { unref?: () => void } | undefined)?.unref?.();
      }
      render();
    },
    done(last) {
      halt();
      output.raw(`\r\u001b[2K${last} (${formatElapsed(now() - startedAt)})\n`);
    },
    stop() {
      const wasSpinning = timer !== undefined;
      halt();
      if (wasSpinning) output.raw('\r\u001b[2K');
    },
  };
}

function plainProgress(output: Output): Progress {
  let last = '';
  return {
    update(text) {
      if (text === last) return;
      last = text;
      output.note(text);
    },
    done(text) {
      output.note(text);
    },
    stop() {},
  };
}

/**
 * Run `work` under a {@link Progress} that shows `text`; the spinner is stopped (its line
 * cleared) however `work` ends.
 */
export async function withProgress<T>(
  output: Output,
  text: string,
  work: (progress: Progress) => Promise<T>,
  options: ProgressOptions = {},
): Promise<T> {
  const progress = createProgress(output, options);
  progress.update(text);
  try {
    return await work(progress);
  } finally {
    progress.stop();
  }
}

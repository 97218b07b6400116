import type { Output } from './print.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_INTERVAL_MS = 80;

/** A spinner on a terminal, plain lines otherwise. */
export interface Progress {
  /** Show `text` (a spinner frame on a TTY; a new line elsewhere, only when the text changed). */
  update(text: string): void;
  /** Stop the spinner and leave `text` as the last line. */
  done(text: string): void;
}

export interface ProgressOptions {
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/**
 * A {@link Progress} over `output`: animated only when a person watches (`output.interactive`),
 * one line per change otherwise, so logs and CI output stay readable.
 */
export function createProgress(output: Output, options: ProgressOptions = {}): Progress {
  if (!output.interactive) return plainProgress(output);
  const startTimer = options.setInterval ?? ((callback, ms) => setInterval(callback, ms));
  const stopTimer = options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
  let text = '';
  let frame = 0;
  let timer: unknown;
  const render = () => {
    output.raw(`\r\u001b[2K${FRAMES[frame % FRAMES.length]} ${text}`);
    frame += 1;
  };
  return {
    update(next) {
      text = next;
      if (timer === undefined) timer = startTimer(render, FRAME_INTERVAL_MS);
      render();
    },
    done(last) {
      if (timer !== undefined) stopTimer(timer);
      timer = undefined;
      output.raw(`\r\u001b[2K${last}\n`);
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
  };
}

import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../__fixtures__/capture-terminal.js';
import { createOutput } from './print.js';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  it('prints one plain line per change when nobody watches a terminal', () => {
    const capture = captureTerminal();
    const progress = createProgress(createOutput(capture.terminal, {}));
    progress.update('engine-1: STARTING');
    progress.update('engine-1: STARTING');
    progress.update('engine-1: RUNNING');
    progress.done('done');
    expect(capture.stdout()).toBe('engine-1: STARTING\nengine-1: RUNNING\ndone\n');
  });

  it('animates a spinner on a terminal and stops its timer when done', () => {
    const capture = captureTerminal({ isTTY: true });
    const timers: Array<() => void> = [];
    let cleared = 0;
    const progress = createProgress(createOutput(capture.terminal, {}), {
      setInterval: (callback) => {
        timers.push(callback);
        return timers.length;
      },
      clearInterval: () => {
        cleared += 1;
      },
    });
    progress.update('STARTING');
    timers[0]?.();
    progress.done('RUNNING');
    expect(timers).toHaveLength(1);
    expect(cleared).toBe(1);
    expect(capture.stdout()).toContain('\r\u001b[2K⠋ STARTING');
    expect(capture.stdout()).toContain('⠙ STARTING');
    expect(capture.stdout().endsWith('\r\u001b[2KRUNNING\n')).toBe(true);
  });

  it('keeps stdout clean under --json (progress goes to stderr)', () => {
    const capture = captureTerminal({ isTTY: true });
    const progress = createProgress(createOutput(capture.terminal, { json: true }));
    progress.update('STARTING');
    progress.done('RUNNING');
    expect(capture.stdout()).toBe('');
    expect(capture.stderr()).toBe('STARTING\nRUNNING\n');
  });
});

import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../__fixtures__/capture-terminal.js';
import { createOutput } from './print.js';
import { createProgress, withProgress } from './progress.js';

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
    let clock = 1_000;
    const progress = createProgress(createOutput(capture.terminal, {}), {
      now: () => clock,
      setInterval: (callback) => {
        timers.push(callback);
        return timers.length;
      },
      clearInterval: () => {
        cleared += 1;
      },
    });
    progress.update('STARTING');
    clock += 65_000;
    timers[0]?.();
    progress.done('RUNNING');
    expect(timers).toHaveLength(1);
    expect(cleared).toBe(1);
    expect(capture.stdout()).toContain('\r\u001b[2K⠋ STARTING (0s)');
    expect(capture.stdout()).toContain('⠙ STARTING (1m05s)');
    expect(capture.stdout().endsWith('\r\u001b[2KRUNNING (1m05s)\n')).toBe(true);
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

describe('withProgress', () => {
  it('clears the spinner however the work ends, and prints nothing extra without a terminal', async () => {
    const tty = captureTerminal({ isTTY: true });
    let cleared = 0;
    await expect(
      withProgress(
        createOutput(tty.terminal, {}),
        'starting a gateway',
        async () => {
          throw new Error('boom');
        },
        { setInterval: () => 1, clearInterval: () => (cleared += 1) },
      ),
    ).rejects.toThrow('boom');
    expect(cleared).toBe(1);
    expect(tty.stdout().endsWith('⠋ starting a gateway (0s)\r\u001b[2K')).toBe(true);
    const plain = captureTerminal();
    expect(await withProgress(createOutput(plain.terminal, {}), 'waiting', async () => 42)).toBe(42);
    expect(plain.stdout()).toBe('waiting\n');
  });
});

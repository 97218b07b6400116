import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateDirectoryInUseError, StateDirectoryLock } from './state-dir-lock.js';

describe('StateDirectoryLock', () => {
  it('lets one control plane manage a state directory; a second gets a clear error', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sage-lock-'));
    const first = new StateDirectoryLock(stateDir);
    await first.acquire();
    const second = new StateDirectoryLock(stateDir);
    const error = await second.acquire().catch((caught: unknown) => caught);
    expect(StateDirectoryInUseError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/another control plane \(pid \d+\) already manages/);
    await first.release();
    expect(existsSync(first.path)).toBe(false);
    await second.acquire();
    await second.release();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sage-lock-'));
    writeFileSync(
      join(stateDir, 'manager.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, instance: 'dead', startedAt: '' }),
    );
    const lock = new StateDirectoryLock(stateDir);
    await lock.acquire();
    await lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyExit } from './exit-classification.js';

describe('classifyExit', () => {
  it.each([
    [{ exitCode: 2, signal: null }, 'not_startable', false],
    [{ exitCode: 65, signal: null }, 'not_startable', false],
    [{ exitCode: 66, signal: null }, 'not_startable', false],
    [{ exitCode: 78, signal: null }, 'not_startable', false],
    [{ exitCode: 127, signal: null }, 'not_startable', false],
    [{ exitCode: null, signal: null, spawnError: 'ENOENT' }, 'not_startable', false],
    [{ exitCode: 1, signal: null }, 'crashed', true],
    [{ exitCode: 0, signal: null }, 'crashed', true],
    [{ exitCode: 70, signal: null }, 'crashed', true],
    [{ exitCode: null, signal: 'SIGKILL' }, 'killed', true],
    [{ exitCode: null, signal: 'SIGSEGV' }, 'killed', true],
    [{ exitCode: 137, signal: null }, 'killed', true],
    [{ exitCode: null, signal: 'SIGKILL', oomKilled: true }, 'out_of_memory', true],
  ] as const)('%j is %s (retry: %s)', (exit, expectedClass, retry) => {
    const classification = classifyExit(exit);
    expect(classification.class).toBe(expectedClass);
    expect(classification.retry).toBe(retry);
  });

  it('names the signal a wrapper shell reported as 128 + n', () => {
    expect(classifyExit({ exitCode: 137, signal: null })).toMatchObject({
      signal: 'SIGKILL',
      description: 'process killed by SIGKILL (exit code 137 from a wrapper)',
    });
  });

  it('says why an engine is not retried', () => {
    expect(classifyExit({ exitCode: 65, signal: null }).description).toBe(
      'process exited with code 65: the engine cannot start as configured, not retrying',
    );
  });
});

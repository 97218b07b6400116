import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeTestRun } from './test-summary.mjs';

/** A recorded run (tools/fixtures/vitest-json/) with vitest's exit code for it. */
function recorded(name: string, exitCode: number) {
  const read = (suffix: string) =>
    JSON.parse(readFileSync(new URL(`./fixtures/vitest-json/${name}${suffix}`, import.meta.url), 'utf8'));
  const runEnd = read('.run-end.json') as {
    unhandledErrors: number;
    reason: string;
    passedOnRetry?: Array<{ file: string; name: string; retries: number }>;
  };
  return summarizeTestRun({ results: read('.json'), ...runEnd, exitCode, root: '/repo' });
}

describe('summarizeTestRun on recorded vitest reports', () => {
  it('a passing run counts passes and skips (it.skip and it.todo) and no failure', () => {
    expect(recorded('passed', 0)).toEqual({ line: '2 passed, 0 failed, 2 skipped', failed: 0 });
  });

  it('a failed test is a failure', () => {
    expect(recorded('failed-test', 1)).toEqual({
      line: '1 passed, 1 failed (1 test), 2 skipped',
      failed: 1,
    });
  });

  it('a describe whose beforeAll failed fails its file, though its tests read as skipped', () => {
    expect(recorded('describe-before-all-failed', 1)).toEqual({
      line: '1 passed, 1 failed (1 file failed outside its tests, in an import or a hook: a.test.ts), 2 skipped',
      failed: 1,
    });
  });

  it('a failed file-level beforeAll is a failure', () => {
    expect(recorded('before-all-failed', 1).line).toBe(
      '0 passed, 1 failed (1 file failed outside its tests, in an import or a hook: f.test.ts), 1 skipped',
    );
  });

  it('a failed afterAll is a failure even though every test passed', () => {
    expect(recorded('after-all-failed', 1)).toMatchObject({
      failed: 1,
      line: expect.stringMatching(/^1 passed, 1 failed .*g\.test\.ts/),
    });
  });

  it('a file that cannot be imported is a failure', () => {
    expect(recorded('import-failed', 1)).toMatchObject({
      failed: 1,
      line: expect.stringContaining('d.test.ts'),
    });
  });

  it('a test that passed only on its retry counts as passed and is named in the line', () => {
    expect(recorded('passed-on-retry', 0)).toEqual({
      line: '2 passed (1 only on a retry: r.test.ts > passes on its second try), 0 failed, 0 skipped',
      failed: 0,
    });
  });

  it('an unhandled error is a failure although the JSON report says success', () => {
    expect(recorded('unhandled-error', 1)).toEqual({
      line: '2 passed, 1 failed (1 unhandled error), 0 skipped',
      failed: 1,
    });
  });
});

describe('summarizeTestRun agrees with the exit code', () => {
  const passing = {
    numPassedTests: 3,
    numFailedTests: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    testResults: [],
  };

  it('a non-zero exit that nothing else explains is one failure', () => {
    expect(summarizeTestRun({ results: passing, exitCode: 1 })).toEqual({
      line: '3 passed, 1 failed (vitest exited 1), 0 skipped',
      failed: 1,
    });
  });

  it('an interrupted run is a failure', () => {
    expect(summarizeTestRun({ results: passing, reason: 'interrupted', exitCode: 0 }).failed).toBe(1);
  });

  it('no report at all is a failure', () => {
    expect(summarizeTestRun({ results: undefined, exitCode: 1 })).toEqual({
      line: 'tests: no results were written (vitest exit 1)',
      failed: 1,
    });
  });

  it('names at most five files and counts the rest', () => {
    const testResults = Array.from({ length: 7 }, (_, index) => ({
      name: `/repo/f${index}.test.ts`,
      status: 'failed',
      assertionResults: [{ status: 'skipped' }],
    }));
    const { line, failed } = summarizeTestRun({
      results: { ...passing, testResults },
      exitCode: 1,
      root: '/repo',
    });
    expect(failed).toBe(7);
    expect(line).toContain('f0.test.ts, f1.test.ts, f2.test.ts, f3.test.ts, f4.test.ts and 2 more');
  });
});

// The closing line of `pnpm test` (tools/run-tests.mjs), as a pure function of what vitest
// reported, so the line can be tested against recorded shapes (tools/fixtures/vitest-json/).
import { relative } from 'node:path';

/** At most this many file names are listed in the line; the rest are counted. */
const MAX_NAMED_FILES = 5;

/**
 * Summarise one vitest run in one line that agrees with the exit code.
 *
 * A failure is a failed test, a file that failed outside its tests (an import error, a failed
 * `beforeAll`/`afterAll`: its tests show as skipped or passed), an unhandled error (vitest's
 * JSON leaves those out, so they come from tools/unhandled-errors-reporter.mjs), an
 * interrupted run, or a non-zero vitest exit code that none of these explains.
 *
 * @param {{
 *   results?: { numPassedTests?: number, numFailedTests?: number, numPendingTests?: number,
 *     numTodoTests?: number, testResults?: Array<{ name: string, status: string,
 *     assertionResults?: Array<{ status: string }> }> },
 *   unhandledErrors?: number,
 *   passedOnRetry?: Array<{ file: string, name: string, retries: number }>,
 *   reason?: string,
 *   exitCode: number | null,
 *   root?: string,
 * }} run `results`: vitest's JSON report (absent when vitest wrote none); `passedOnRetry`: tests
 *   that failed and then passed on a retry (tools/unhandled-errors-reporter.mjs): they count as
 *   passed, and the line names them so a flaky test is never silent; `reason`: how the run
 *   ended (`passed`, `failed`, `interrupted`); `root`: file names are shown relative to it.
 * @returns {{ line: string, failed: number }} `failed` > 0 exactly when the run failed.
 */
export function summarizeTestRun({
  results,
  unhandledErrors = 0,
  passedOnRetry = [],
  reason,
  exitCode,
  root = process.cwd(),
}) {
  if (!results) {
    return { line: `tests: no results were written (vitest exit ${exitCode ?? 'none'})`, failed: 1 };
  }
  const passed = results.numPassedTests ?? 0;
  const failedTests = results.numFailedTests ?? 0;
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  const filesFailedOutsideTests = (results.testResults ?? [])
    .filter(
      (file) =>
        file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
    )
    .map((file) => relative(root, file.name));

  const causes = [];
  if (failedTests > 0) causes.push(`${failedTests} ${plural(failedTests, 'test')}`);
  if (filesFailedOutsideTests.length > 0) {
    const named = filesFailedOutsideTests.slice(0, MAX_NAMED_FILES).join(', ');
    const more = filesFailedOutsideTests.length - MAX_NAMED_FILES;
    const count = filesFailedOutsideTests.length;
    causes.push(
      `${count} ${plural(count, 'file')} failed outside ${count === 1 ? 'its' : 'their'} tests, in an import or a hook: ${named}${more > 0 ? ` and ${more} more` : ''}`,
    );
  }
  if (unhandledErrors > 0) causes.push(`${unhandledErrors} unhandled ${plural(unhandledErrors, 'error')}`);
  if (reason === 'interrupted') causes.push('run interrupted');
  if (causes.length === 0 && exitCode !== 0) causes.push(`vitest exited ${exitCode ?? 'by a signal'}`);

  const counted = failedTests + filesFailedOutsideTests.length + unhandledErrors;
  // An interrupted run or an unexplained exit code is one failure: the line never reads as a pass.
  const failed = counted > 0 ? counted : causes.length;
  const detail = causes.length > 0 ? ` (${causes.join('; ')})` : '';
  const retried =
    passedOnRetry.length > 0
      ? ` (${passedOnRetry.length} only on a retry: ${passedOnRetry
          .slice(0, MAX_NAMED_FILES)
          .map((test) => `${test.file} > ${test.name}`)
          .join(
            '; ',
          )}${passedOnRetry.length > MAX_NAMED_FILES ? ` and ${passedOnRetry.length - MAX_NAMED_FILES} more` : ''})`
      : '';
  return { line: `${passed} passed${retried}, ${failed} failed${detail}, ${skipped} skipped`, failed };
}

function plural(count, word) {
  return count === 1 ? word : `${word}s`;
}

#!/usr/bin/env node
// Runs every vitest project from the repository root, whatever the working directory (extra
// arguments go to vitest: `packages/server/` runs one package's tests, as its `test` script does),
// then prints one plain closing line ("N passed, N failed, N skipped") that any CI can read. The
// line and the exit status always agree: failed files, hook errors and unhandled errors count as
// failures (tools/test-summary.mjs), and a run whose line counts a failure exits non-zero even if
// vitest did not.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeTestRun } from './test-summary.mjs';

const resultsFile = join(tmpdir(), `sage-vitest-${process.pid}.json`);
const runEndFile = `${resultsFile}.run-end.json`; // written by unhandled-errors-reporter.mjs
const root = fileURLToPath(new URL('..', import.meta.url));
const vitestBin = join(root, 'node_modules/.bin/vitest');
const runEndReporter = fileURLToPath(new URL('./unhandled-errors-reporter.mjs', import.meta.url));
const vitest = spawnSync(
  vitestBin,
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--reporter=${runEndReporter}`,
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', shell: false },
);

/** The parsed JSON in `file`, or undefined when vitest did not write it. */
function readJsonFile(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  } finally {
    rmSync(file, { force: true });
  }
}

const results = readJsonFile(resultsFile);
const runEnd = readJsonFile(runEndFile) ?? {};
const exitCode = vitest.status ?? 1;
const { line, failed } = summarizeTestRun({
  results,
  unhandledErrors: runEnd.unhandledErrors,
  passedOnRetry: runEnd.passedOnRetry,
  reason: runEnd.reason,
  exitCode,
  root,
});
console.log(`\n${vitest.error ? `tests: vitest did not run (${vitest.error.message})` : line}`);
process.exit(exitCode !== 0 ? exitCode : failed > 0 ? 1 : 0);

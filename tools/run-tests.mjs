#!/usr/bin/env node
// Runs every vitest project, then prints one plain closing line ("N passed, N failed, N skipped")
// that any CI can read, and exits with vitest's own status.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsFile = join(tmpdir(), `sage-vitest-${process.pid}.json`);
const vitestBin = fileURLToPath(new URL('../node_modules/.bin/vitest', import.meta.url));
const vitest = spawnSync(
  vitestBin,
  [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', shell: false },
);
let summary = 'tests: no results were written';
try {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  summary = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`;
  rmSync(resultsFile, { force: true });
} catch {
  // vitest crashed before writing results: its own output says why
  if (vitest.error) summary = `tests: vitest did not run (${vitest.error.message})`;
}
console.log(`\n${summary}`);
process.exit(vitest.status ?? 1);

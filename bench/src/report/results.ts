import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine-info.js';

/** The repository's `docs/` folder. */
const docsDir = fileURLToPath(new URL('../../../docs/', import.meta.url));
export const resultsDir = join(docsDir, 'benchmarks');
const benchmarksDoc = join(docsDir, 'benchmarks.md');

/** Write `docs/benchmarks/<name>.json` with the machine, the date and the settings. */
export function writeResults(name: string, settings: unknown, results: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  const body = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: machineInfo(),
    settings,
    results,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

/** Read a result file written earlier (for the chart), or undefined. */
export function readResults<T>(name: string): { results: T; measuredAt: string } | undefined {
  const path = join(resultsDir, `${name}.json`);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as { results: T; measuredAt: string };
}

/**
 * Replace the text between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` in
 * `docs/benchmarks.md` (appending a section when the markers are missing).
 */
export function updateBenchmarksDoc(name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  mkdirSync(dirname(benchmarksDoc), { recursive: true });
  const current = existsSync(benchmarksDoc) ? readFileSync(benchmarksDoc, 'utf8') : '# Benchmarks\n';
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(benchmarksDoc, next);
}

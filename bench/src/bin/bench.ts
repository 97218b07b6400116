/**
 * `pnpm bench <name> [--peer portkey] [--quick] [--duration S] …`: run one benchmark (or `all`).
 * Results go to docs/benchmarks/<name>.json and the tables in docs/benchmarks.md.
 */
import type { BenchmarkOptions } from '../benchmarks/benchmark.js';
import { type BenchmarkName, benchmarks } from '../benchmarks/registry.js';
import { describeMachine, machineInfo } from '../report/machine-info.js';
import { updateBenchmarksDoc } from '../report/results.js';

function parse(argv: readonly string[]): { names: string[]; options: BenchmarkOptions } {
  const names: string[] = [];
  const flags: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === '--') continue;
    if (!argument.startsWith('--')) {
      names.push(argument);
      continue;
    }
    const [key, inline] = argument.slice(2).split('=', 2) as [string, string | undefined];
    const next = argv[index + 1];
    if (inline !== undefined) flags[key] = inline;
    else if (next !== undefined && !next.startsWith('--')) {
      flags[key] = next;
      index += 1;
    } else flags[key] = 'true';
  }
  const { peer, quick, ...rest } = flags;
  return {
    names,
    options: { ...(peer === undefined ? {} : { peer }), quick: quick === 'true', flags: rest },
  };
}

function usage(): string {
  const lines = Object.values(benchmarks).map(
    (benchmark) => `  ${benchmark.name.padEnd(12)} ${benchmark.description}`,
  );
  return ['usage: pnpm bench <name>|all [--peer portkey] [--quick] [--duration S]', '', ...lines].join('\n');
}

async function main(): Promise<number> {
  const { names, options } = parse(process.argv.slice(2));
  if (names.length === 0) {
    console.error(usage());
    return 2;
  }
  const selected = names.includes('all') ? (Object.keys(benchmarks) as BenchmarkName[]) : names;
  for (const name of selected) {
    if (!(name in benchmarks)) {
      console.error(`no benchmark '${name}'\n\n${usage()}`);
      return 2;
    }
  }
  for (const name of selected) {
    const startedAt = performance.now();
    console.log(`== ${name}`);
    await benchmarks[name as BenchmarkName].run(options);
    console.log(`== ${name} done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  }
  if (!options.quick) {
    updateBenchmarksDoc(
      'machine',
      `Last run: ${new Date().toISOString().slice(0, 10)} on ${describeMachine(machineInfo())}. Each result file records its own machine and the 1-minute load average when it was written.`,
    );
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

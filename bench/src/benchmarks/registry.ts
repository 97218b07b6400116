import type { Benchmark } from './benchmark.js';
import { overheadBenchmark } from './overhead.js';

/** Every benchmark, by the name `pnpm bench <name>` takes. */
export const benchmarks = {
  overhead: overheadBenchmark,
} satisfies Record<string, Benchmark>;

export type BenchmarkName = keyof typeof benchmarks;

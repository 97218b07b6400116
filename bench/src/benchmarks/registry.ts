import type { Benchmark } from './benchmark.js';
import { overheadBenchmark } from './overhead.js';
import { proxyBenchmark } from './proxy.js';
import { recoveryBenchmark } from './recovery.js';
import { schedulerDecisionBenchmark } from './scheduler-decision.js';
import { schedulingBenchmark } from './scheduling.js';
import { streamingBenchmark } from './streaming.js';
import { swapBenchmark } from './swap.js';

/** Every benchmark, by the name `pnpm bench <name>` takes. */
export const benchmarks = {
  overhead: overheadBenchmark,
  proxy: proxyBenchmark,
  streaming: streamingBenchmark,
  scheduling: schedulingBenchmark,
  'scheduler-decision': schedulerDecisionBenchmark,
  recovery: recoveryBenchmark,
  swap: swapBenchmark,
} satisfies Record<string, Benchmark>;

export type BenchmarkName = keyof typeof benchmarks;

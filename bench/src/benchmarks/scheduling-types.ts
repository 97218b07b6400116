import type { StrategyResult } from './scheduling-run.js';

/** Every strategy at one load, with ratios against round-robin at that load. */
export interface LoadResult {
  load: number;
  requestsPerSecond: number;
  strategies: Array<StrategyResult & { vsRoundRobin: ComparedToBaseline }>;
}

export interface ComparedToBaseline {
  urgentP99Ratio: number;
  normalP99Ratio: number;
  bulkP99Ratio: number;
  sloAttainmentDelta: number;
  throughputRatio: number;
  costRatio: number;
}

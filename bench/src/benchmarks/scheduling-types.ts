import type { StrategyResult } from './scheduling-run.js';
import type { WorkloadKind } from './scheduling-workload.js';

/** Every strategy on one workload at one load. */
export interface LoadResult {
  workload: WorkloadKind;
  load: number;
  requestsPerSecond: number;
  capacity: number;
  strategies: StrategyResult[];
}

/** (a) A request for a cold model vs the engine's own start, measured directly in the same run. */
export interface ColdStartResult {
  engineStartMs: number;
  trials: Array<{ directMs: number; gatewayMs: number }>;
  medianDirectMs: number;
  medianGatewayMs: number;
  /** Median wait through the gateway ÷ median direct start (goal ≤ 1.05). */
  ratio: number;
}

/** One closed-loop run: requests answered, loads, latency. */
export interface LoopResult {
  fleet: string;
  answered: number;
  failed: Record<string, number>;
  loads: number;
  evictions: number;
  p50Ms: number;
  p99Ms: number;
  /** p99 latency minus the engine's own service time: the p99 time spent waiting (queue and loads). */
  p99WaitMs: number;
}

export interface SwapResults {
  cold: ColdStartResult;
  roundRobin: LoopResult[];
  replicas: LoopResult[];
}

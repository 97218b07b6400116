import type { Percentiles } from '../harness/stats.js';

/** Who a stream goes through: nobody (the engine directly), the gateway, or a baseline proxy. */
export type StreamingTarget = 'direct' | 'sage' | 'minimal' | 'nginx';
export type StreamingProxy = Exclude<StreamingTarget, 'direct'>;

/** One target's streams in one scenario. */
export interface StreamingSide {
  firstTokenMs: Percentiles;
  gapMs: Percentiles;
  /** Share of socket reads that carried more than one event. */
  coalescedShare: number;
  streams: number;
  failed: number;
}

export interface StreamingScenario {
  name: string;
  concurrency: number;
  sides: Partial<Record<StreamingTarget, StreamingSide>>;
  /** Time to first token over the direct one, per proxy (ms). */
  addedFirstTokenMs: Partial<Record<StreamingProxy, { p50: number; p99: number }>>;
  /** The gateway's added TTFT ÷ the minimal proxy's, at the median (goal ≤ 1.2). */
  sageAddedVsMinimalP50: number;
  /** sage gap ÷ direct gap: 1 means the chunk cadence is preserved. */
  gapRatioP50: number;
  gapRatioP99: number;
}

import type { LoadResult } from '../harness/load.js';
import type { PacedLoadResult } from '../harness/paced-load.js';
import type { OverheadWorkload } from './overhead-workloads.js';

/**
 * One target of the overhead benchmark: the engine itself (`direct`), our gateway (`sage`), the
 * floor of a Node reverse proxy (`minimal`: node:http + an undici Pool), nginx as a keep-alive
 * reverse proxy (`nginx`, when installed), or a peer gateway (`portkey`, `--peer portkey`).
 */
export type TargetName = 'direct' | 'sage' | 'minimal' | 'nginx' | 'portkey';

/** Every target but the engine itself. */
export type ProxyName = Exclude<TargetName, 'direct'>;

/** The proxies in table order. */
export const PROXY_NAMES: readonly ProxyName[] = ['sage', 'minimal', 'nginx', 'portkey'];

/** One target in one round of one cell. CPU figures are µs of the named processes per answered request. */
export interface TargetRound {
  /** Open-loop run at the target rate, evenly spaced. */
  paced: PacedLoadResult;
  /** Closed-loop run, as fast as the target answers. */
  open: LoadResult;
  /** The target's own processes (none for `direct`) during the closed-loop run. */
  cpuUsPerRequest: number;
  /** The same during the run at the target rate. */
  cpuUsPerRequestAtRate: number;
  /** The engine process during the closed-loop run. */
  engineCpuUsPerRequest: number;
}

/** A target's rounds and their medians, per statistic. */
export interface TargetMeasurement {
  atRate: PacedLoadResult;
  saturated: LoadResult;
  cpuUsPerRequest: number;
  cpuUsPerRequestAtRate: number;
  engineCpuUsPerRequest: number;
  rounds: TargetRound[];
}

/** A ratio taken inside each round (both sides measured minutes apart at most), over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** What a proxy costs, against the engine called directly and against the minimal proxy. */
export interface ProxyDerived {
  /** Latency added over `direct` at the target rate (medians over rounds). */
  addedP50Ms: number;
  addedP99Ms: number;
  /** Closed-loop requests/s ÷ direct's. */
  throughputRatio: number;
  /** CPU per request ÷ the minimal proxy's, per round (closed-loop runs). */
  cpuVsMinimal?: Spread;
  /** Closed-loop requests/s ÷ the minimal proxy's, per round. */
  throughputVsMinimal?: Spread;
}

export interface OverheadCell {
  workload: OverheadWorkload['name'];
  concurrency: number;
  targets: Partial<Record<TargetName, TargetMeasurement>>;
  derived: Partial<Record<ProxyName, ProxyDerived>>;
}

/** The settings a run records with its results. */
export interface OverheadSettings {
  durationSecondsPerRun: number;
  rounds: number;
  targetRate: number;
  concurrency: readonly number[];
  engine: string;
  gatewayLogLevel: string;
  baselines: string[];
  /** Why a baseline is missing (e.g. nginx not installed). */
  skipped: string[];
  peer: string | null;
  loadGenerator: string;
  cpuMeasurement: string;
  /** 1-minute load average before and after the run. */
  loadAverage: { before: number; after: number };
}

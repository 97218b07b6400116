import type { EngineStatus, PRIORITIES } from '@sage/protocol';
import type { Logger } from 'pino';
import type { EngineAddress } from '../executors/engine-executor.js';

/** A request priority class (SPEC §5), highest first in `PRIORITIES`. */
export type RequestPriority = (typeof PRIORITIES)[number];

/** What an engine serves. */
export type SchedulableEngineKind = 'llm' | 'embedding';

/**
 * What the scheduler knows of an engine. The manager provides a fresh list on every call of the
 * scheduler's `engines()` option; the scheduler never caches it across dispatch rounds.
 */
export interface SchedulableEngine {
  engineId: string;
  /** The model the engine serves, e.g. `Qwen/Qwen2.5-0.5B-Instruct`. */
  modelId: string;
  /** An operator-chosen alias that requests may name instead of the model id. */
  engineLabel: string | null;
  engineKind: SchedulableEngineKind;
  /** Only `RUNNING` engines receive traffic; every status except `STOPPED`/`FAILED` keeps the model known. */
  status: EngineStatus;
  /** Capacity: in-flight leases above this make the engine ineligible. */
  maxConcurrentRequests: number;
  /** GPUs given to the engine; 0 means a CPU engine. */
  gpuCount: number;
  /** Price of one GPU for one hour, for `cost_optimized` (relative units; see docs/scheduling-policies.md). */
  pricePerGpuHour?: number | undefined;
  /** Where the engine answers HTTP now (its executor's address; null while none runs): a lease's requests go here. */
  address?: EngineAddress | null | undefined;
  /** The engine's current launch (changes on every restart): a failure on one generation says nothing of the next. */
  generation?: string | null | undefined;
  /** The backend that runs it (`sage`, `vllm`, …): whether a translated route goes as is. */
  backend?: string | undefined;
}

/** One inference request asking for an engine. */
export interface ScheduleRequest {
  /** Unique among queued requests; decisions are matched to requests by this id. */
  requestId: string;
  /** Model id or engine label; absent → the default model of the kind. */
  model?: string | undefined;
  kind: SchedulableEngineKind;
  priority: RequestPriority;
  /** SLO deadline in ms, relative to the request's arrival at the scheduler. */
  deadlineMs?: number | undefined;
  /** Per-request policy override (the `X-Scheduling-Policy` header). */
  policy?: string | undefined;
  /** Expected tokens of the request, for `cost_optimized`. */
  estimatedTokens?: number | undefined;
  /** Engines already tried for this request (failover); never chosen again. */
  excludeEngineIds?: readonly string[] | undefined;
  /**
   * Chained chunk hashes of the rendered prompt (`promptPrefixHashes`), for prefix-cache
   * affinity; absent → no affinity for this request.
   */
  prefixHashes?: readonly number[] | undefined;
}

/** Why a request got its engine: the opt-in `X-Sage-Schedule` header and the debug log show it. */
export interface ScheduleExplanation {
  engineId: string;
  policy: string;
  /** The scorer or rule that decided (`prefix`, `load`, `latency`, `only-candidate`, …). */
  reason: string;
  /** The chosen engine's score per scorer, 0–1. */
  scores: Readonly<Record<string, number>>;
  queuedMs: number;
  /** Set when the request waited for this engine although another had a free slot (queue-aware placement). */
  waitedForEngine: boolean;
}

/** How a leased request ended, reported when the lease is released. */
export interface LeaseOutcome {
  ok: boolean;
  /** End-to-end engine latency; recorded (EWMA) when `ok` for "fastest engine" decisions. */
  latencyMs?: number | undefined;
}

/** A slot on one engine, held while the request is served. */
export interface Lease {
  readonly engine: SchedulableEngine;
  /** The policy that decided, with the delegate of a composite: `fifo`, `adaptive→priority`. */
  readonly policy: string;
  /** Time the request spent in the queue. */
  readonly queuedMs: number;
  /** Frees the slot, records the outcome and wakes the queue. Idempotent. */
  release(outcome?: LeaseOutcome): void;
  /** Why this engine (computed on call: the winning scores and the reason). */
  explain(): ScheduleExplanation;
}

/** Reported through the scheduler's `onDecision` hook, once per request (for metrics). */
export type SchedulingDecisionEvent =
  | {
      type: 'request-dispatched';
      requestId: string;
      model: string;
      kind: SchedulableEngineKind;
      engineId: string;
      policy: string;
      queuedMs: number;
      /** Time spent inside the policy's `pick` for this request. */
      decisionMs: number;
      /** True when the request arrived while no engine of its (catalog) model was alive: it waited for a load. */
      waitedForLoad: boolean;
    }
  | {
      type: 'request-rejected';
      requestId: string;
      model: string | undefined;
      kind: SchedulableEngineKind;
      /** The error class name, e.g. `QueueTimeoutError`. */
      reason: string;
      queuedMs: number;
    };

/** Queue and load figures for `/v1/management/status` and metrics. */
export interface SchedulerSnapshot {
  depth: number;
  capacity: number;
  policy: string;
  /** In-flight leases per engine id (engines with none are omitted). */
  inFlight: Record<string, number>;
}

/**
 * Per-policy parameters keyed by policy name, e.g. `{ slo_aware: { urgencyThreshold: 0.8 } }`. A
 * name may also be given in its camelCase form (`sloAware`, as a wire-to-TS conversion leaves it).
 */
export type SchedulingPolicyParameters = Readonly<Record<string, unknown>>;

/**
 * The model catalog as the scheduler sees it (on-demand models, docs/models.md): a request for a
 * catalog model that no alive engine serves waits in the queue while an engine is loaded.
 */
export interface OnDemandModels {
  /** The catalog name `model` stands for (its name or an alias) for `kind`; undefined when not in the catalog. */
  resolve(model: string, kind: SchedulableEngineKind): string | undefined;
  /**
   * No alive engine serves catalog model `name`: start loading one unless a load is under way
   * (idempotent, never blocks). Returns null while requests should wait, or the error to answer
   * them with (the last load failed).
   */
  demand(name: string, kind: SchedulableEngineKind): Error | null;
  /** True while a load of `name` is under way. */
  isLoading(name: string): boolean;
  /** Longest wait of a request for its model's load, in ms; then `loadTimeoutError`. */
  readonly loadTimeoutMs: number;
  /** The error a request gets when its model was still loading after `waitedMs`. */
  loadTimeoutError(name: string, waitedMs: number): Error;
}

/** Queued requests of one model. */
export interface ModelQueueStats {
  depth: number;
  /** Arrival time of the oldest queued request for the model. */
  oldestArrivedAt: number;
}

/** Options of `RequestScheduler`. Everything that touches the world is injectable. */
export interface RequestSchedulerOptions {
  /** The manager's current engines; called at every acquire and dispatch round. */
  engines: () => readonly SchedulableEngine[];
  /** Active policy name (default `adaptive`). */
  policy?: string | undefined;
  /** Per-policy parameters, e.g. `{ slo_aware: { urgencyThreshold: 0.8 } }` (validated at construction). */
  policyParameters?: SchedulingPolicyParameters | undefined;
  /** Most requests waiting at once (default 1024). */
  queueCapacity?: number | undefined;
  /** Longest wait for an engine slot in ms (default 30000). */
  queueTimeoutMs?: number | undefined;
  /** The clock for arrival, queue times and urgency (default `Date.now`). */
  now?: (() => number) | undefined;
  /** Receives debug logs per decision (default: silent). */
  logger?: Logger | undefined;
  /** Chunk hashes remembered per engine for prefix-cache affinity (default 4096, LRU). */
  prefixCacheChunks?: number | undefined;
  /** Called once per request with its final decision (metrics hook); errors thrown here are logged. */
  onDecision?: ((event: SchedulingDecisionEvent) => void) | undefined;
  /** Called when a lease is released (the engine's last-used time, for idle unloads). */
  onRelease?: ((engineId: string) => void) | undefined;
  /** Catalog models loaded on demand; without it, a model no engine serves is 404. */
  onDemand?: OnDemandModels | undefined;
}

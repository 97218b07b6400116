import type { EngineStatus, PRIORITIES } from '@sage/protocol';
import type { Logger } from 'pino';

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
  /** Called once per request with its final decision (metrics hook); errors thrown here are logged. */
  onDecision?: ((event: SchedulingDecisionEvent) => void) | undefined;
}

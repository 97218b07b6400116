import type { z } from 'zod';
import type { RequestPriority, SchedulableEngine, SchedulableEngineKind } from '../scheduler-types.js';

/**
 * A request waiting in the scheduler's queue, as policies see it. Immutable.
 */
export interface QueuedRequest {
  readonly requestId: string;
  /** The resolved model name: the request's `model`, or the default model of its kind. */
  readonly model: string;
  readonly kind: SchedulableEngineKind;
  readonly priority: RequestPriority;
  /** SLO deadline relative to `arrivedAt`, in ms. */
  readonly deadlineMs: number | undefined;
  readonly estimatedTokens: number | undefined;
  /** The scheduler clock (`now()`) when the request arrived. */
  readonly arrivedAt: number;
  /** Arrival order: strictly increasing, unique. The final tie-breaker of every comparator. */
  readonly sequence: number;
  /**
   * Chained hashes of the rendered prompt's chunks (all messages and tools), for prefix-cache
   * affinity: hash `i` stands for the whole prompt up to the end of chunk `i`.
   */
  readonly prefixHashes?: readonly number[] | undefined;
  /** Engines already tried for this request (failover): never chosen, never waited for. */
  readonly excludedEngines?: ReadonlySet<string> | undefined;
}

/**
 * An engine as a policy sees it while deciding: the engine plus its load at this moment of the
 * dispatch round (the scheduler updates load after every decision).
 */
export interface CandidateView {
  readonly engine: Readonly<SchedulableEngine>;
  /** In-flight leases on the engine. */
  readonly inFlight: number;
  /** `inFlight / maxConcurrentRequests`; 0 = idle, 1 = full. */
  readonly load: number;
  /** Observed latency (EWMA of released leases), undefined until the engine served a request. */
  readonly latencyMs: number | undefined;
  /**
   * Share (0–1) of the request's prompt chunks the engine is believed to hold in its KV cache,
   * from the scheduler's prefix index; absent (read as 0) when the request carries no prompt
   * hashes or the engine is believed to hold none of its chunks.
   */
  readonly prefixMatch?: number | undefined;
}

/** Why a policy picked the engine it picked: shown in the opt-in decision header and the debug log. */
export interface PickExplanation {
  /** The scorer (or rule) that decided, e.g. `prefix`, `load`, `latency`, `only-candidate`. */
  readonly reason: string;
  /** The chosen engine's score from each scorer, 0–1. */
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * A policy's answer that the request should keep waiting for one specific engine that has no free
 * slot now (queue-aware placement), instead of taking a free slot elsewhere.
 */
export interface WaitForEngine {
  readonly waitFor: CandidateView;
  /** Expected ms until that engine has a slot for the request. */
  readonly expectedWaitMs: number;
}

/** What a policy may look at besides the request and its candidates. */
export interface PolicyContext {
  /** The scheduler clock. */
  readonly now: number;
  /** Every request still queued at this decision, in arrival order. */
  readonly queue: readonly QueuedRequest[];
  /** Every RUNNING engine (any model, full ones included) with its current load. */
  readonly engines: readonly CandidateView[];
  /**
   * Requests already waiting for a specific engine in this round (queue-aware placement), by
   * engine id; absent when none.
   */
  readonly waitingFor?: ReadonlyMap<string, number> | undefined;
  /**
   * Counts over `queue`, kept by the scheduler as requests come and go, so a composite need not
   * scan the queue each round; absent when the caller did not provide them.
   */
  readonly queueCounts?: QueueCounts | undefined;
}

/** Counts over the queued requests of a {@link PolicyContext}. */
export interface QueueCounts {
  /** Requests of class `critical` or `high`. */
  readonly urgentClass: number;
  /** Requests with an SLO deadline. */
  readonly withDeadline: number;
}

/**
 * A scheduling policy (SPEC §7, STYLE G4): it orders the queue and picks an engine.
 *
 * Policies are **pure**: no logging, no metrics, no clock reads (use `context.now`), no mutation of
 * their arguments. The scheduler filters candidates (RUNNING, serves the model and kind, has
 * capacity, not excluded), matches decisions to requests by id and updates load after each
 * decision, so a policy cannot lose a request or pile a batch onto one engine.
 */
export interface SchedulingPolicy {
  /** The wire/config name, e.g. `slo_aware`. */
  readonly name: string;
  /**
   * Which of two queued requests is dispatched first: negative → `a`, positive → `b`. Must be a
   * total order (break ties by `sequence`), so equal keys are ordered deterministically.
   */
  compare(a: QueuedRequest, b: QueuedRequest, context: PolicyContext): number;
  /** One of `candidates` for `request`, or undefined to leave it queued (always undefined when empty). */
  pick(
    request: QueuedRequest,
    candidates: readonly CandidateView[],
    context: PolicyContext,
  ): CandidateView | undefined;
  /**
   * Optional, queue-aware policies: after `pick` chose `chosen`, a {@link WaitForEngine} naming a
   * busy engine of `context.engines` the request should rather wait for, or undefined to take
   * `chosen`.
   */
  placement?(
    request: QueuedRequest,
    chosen: CandidateView,
    context: PolicyContext,
  ): WaitForEngine | undefined;
  /**
   * Optional: why `chosen` won (scores and reason). Called only when someone asks (the opt-in
   * decision header, debug logging), never on the plain request path.
   */
  explain?(
    request: QueuedRequest,
    candidates: readonly CandidateView[],
    context: PolicyContext,
    chosen: CandidateView,
  ): PickExplanation;
  /**
   * True when `compare` never looks at its `context` (the order of two requests never changes
   * while they wait): the scheduler then keeps the queue sorted instead of sorting every round.
   */
  readonly stableOrder?: boolean;
  /**
   * True when `compare` is exactly SLO urgency (elapsed ÷ deadline, capped at 1; 0 without a
   * deadline), most urgent first, then arrival: the scheduler then keeps one arrival-ordered
   * bucket per deadline and merges their heads instead of sorting every round.
   */
  readonly deadlineOrder?: boolean;
  /**
   * True when the policy reads `CandidateView.prefixMatch` (a composite: when any delegate does).
   * The gateway hashes a request's prompt only when the policy that will decide uses it.
   */
  readonly usesPrefixHashes?: boolean;
  /**
   * Composites only (e.g. `adaptive`): the policy this one delegates to in `context`. The
   * scheduler reports it as `name→delegate` (`adaptive→priority`) in leases, logs and metrics.
   */
  delegate?(context: PolicyContext): SchedulingPolicy;
}

/** What a policy factory receives. */
export interface SchedulingPolicyFactoryOptions {
  /** The policy's own parameters (camelCase), validated by the factory's zod schema. */
  parameters?: unknown;
  /** The configured instance of another registered policy (for composites). */
  policy(name: string): SchedulingPolicy;
}

/**
 * Builds a policy; throws `ValidationError` naming the policy for bad parameters. It carries its
 * parameter schema (camelCase keys, every default applied by `parse({})`), so the docs test and
 * tooling read a registered policy's parameters from the registry alone.
 */
export interface SchedulingPolicyFactory {
  (options: SchedulingPolicyFactoryOptions): SchedulingPolicy;
  readonly parameters: z.ZodObject;
}

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
}

/** What a policy may look at besides the request and its candidates. */
export interface PolicyContext {
  /** The scheduler clock. */
  readonly now: number;
  /** Every request still queued at this decision, in arrival order. */
  readonly queue: readonly QueuedRequest[];
  /** Every RUNNING engine (any model, full ones included) with its current load. */
  readonly engines: readonly CandidateView[];
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

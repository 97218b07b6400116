import type { CandidateView, PolicyContext, QueuedRequest } from '../policies/scheduling-policy.js';
import { PolicySet } from '../policy-set.js';
import type { SchedulableEngine } from '../scheduler-types.js';

/** Test builders for the scheduler and its policies. */

/** A RUNNING single-GPU LLM engine serving `model-a`, capacity 4, unless overridden. */
export function makeEngine(overrides: Partial<SchedulableEngine> & { engineId: string }): SchedulableEngine {
  return {
    modelId: 'model-a',
    engineLabel: null,
    engineKind: 'llm',
    status: 'RUNNING',
    maxConcurrentRequests: 4,
    gpuCount: 1,
    ...overrides,
  };
}

/** A queued `normal` LLM request for `model-a` that arrived at 0 with sequence 0, unless overridden. */
export function makeQueued(overrides: Partial<QueuedRequest> & { requestId: string }): QueuedRequest {
  return {
    model: 'model-a',
    kind: 'llm',
    priority: 'normal',
    deadlineMs: undefined,
    estimatedTokens: undefined,
    arrivedAt: 0,
    sequence: 0,
    ...overrides,
  };
}

/** A candidate view of an engine with `inFlight` leases and an optional observed latency. */
export function makeCandidate(
  engine: Partial<SchedulableEngine> & { engineId: string },
  inFlight = 0,
  latencyMs?: number,
): CandidateView {
  const built = makeEngine(engine);
  return { engine: built, inFlight, load: inFlight / built.maxConcurrentRequests, latencyMs };
}

/** A policy context at `now` with the given queue and engines. */
export function makeContext(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return { now: 0, queue: [], engines: [], ...overrides };
}

/** The registered policy `name`, built with default parameters. */
export function builtPolicy(name: string) {
  return new PolicySet().get(name);
}

/** Freeze `value` and everything reachable from it, so any mutation throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Ids of `requests` sorted by `policy.compare` in `context`. */
export function orderIds(
  policy: { compare(a: QueuedRequest, b: QueuedRequest, context: PolicyContext): number },
  requests: readonly QueuedRequest[],
  context: PolicyContext,
): string[] {
  return [...requests].sort((a, b) => policy.compare(a, b, context)).map((request) => request.requestId);
}

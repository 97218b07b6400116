import { acceptsTraffic } from '@sage/protocol';
import type { EngineLoadTracker } from './engine-load-tracker.js';
import { servesModel, unavailability } from './model-resolution.js';
import type {
  CandidateView,
  PolicyContext,
  QueuedRequest,
  SchedulingPolicy,
} from './policies/scheduling-policy.js';
import { SchedulingPolicyError } from './scheduler-errors.js';
import type { SchedulableEngine } from './scheduler-types.js';

/** A queued request as the planner needs it. */
export interface PlanEntry {
  readonly request: QueuedRequest;
  /** Per-request policy override (already validated), else the active policy decides. */
  readonly policyName: string | undefined;
  readonly excludeEngineIds: ReadonlySet<string>;
}

/** The outcome of one dispatch round for one request id. */
export type DispatchDecision =
  | {
      type: 'dispatch';
      requestId: string;
      engine: SchedulableEngine;
      /** `fifo`, or `adaptive→priority` for a composite. */
      policy: string;
      decisionMs: number;
    }
  | { type: 'wait'; requestId: string }
  | { type: 'reject'; requestId: string; error: Error };

/** Everything one round looks at. */
export interface DispatchPlanInput {
  readonly entries: readonly PlanEntry[];
  readonly engines: readonly SchedulableEngine[];
  readonly loads: Pick<EngineLoadTracker, 'view'>;
  /** The active policy: it orders the queue and picks for requests without an override. */
  readonly policy: SchedulingPolicy;
  readonly policyByName: (name: string) => SchedulingPolicy;
  readonly now: number;
  /** A monotonic clock for `decisionMs` (defaults to a clock that always reads 0). */
  readonly stopwatch?: () => number;
  /**
   * Catalog models no alive engine serves, by model name: null while a load is under way (their
   * requests wait), or the error to answer their requests with.
   */
  readonly modelLoads?: ReadonlyMap<string, Error | null>;
}

/** The policy that actually decides in `context` and its reported label (`adaptive→priority`). */
export function resolveDelegate(
  policy: SchedulingPolicy,
  context: PolicyContext,
): { policy: SchedulingPolicy; label: string } {
  const delegate = policy.delegate?.(context);
  if (!delegate || delegate === policy) return { policy, label: policy.name };
  return { policy: delegate, label: `${policy.name}→${delegate.name}` };
}

/**
 * Plan one dispatch round (pure: it changes neither its input nor the tracker). Returns exactly
 * one decision per entry, matched by request id. The active policy orders the queue once; then,
 * in that order, each request's candidates are the RUNNING engines serving its model and kind,
 * not excluded, with load below capacity — counting the decisions already made in this round.
 */
export function planDispatch(input: DispatchPlanInput): DispatchDecision[] {
  const stopwatch = input.stopwatch ?? (() => 0);
  const running = input.engines.filter((engine) => acceptsTraffic(engine.status));
  const inFlight = new Map(running.map((engine) => [engine.engineId, input.loads.view(engine).inFlight]));
  const viewOf = (engine: SchedulableEngine): CandidateView =>
    input.loads.view(engine, inFlight.get(engine.engineId) ?? 0);
  let freeSlots = running.reduce(
    (total, engine) =>
      total + Math.max(0, engine.maxConcurrentRequests - (inFlight.get(engine.engineId) ?? 0)),
    0,
  );

  const decisions = new Map<string, DispatchDecision>();
  const waiting: PlanEntry[] = [];
  for (const entry of input.entries) {
    const { model, kind, requestId } = entry.request;
    const error = unavailability(input.engines, model, kind, entry.excludeEngineIds);
    const load = error && error.reason !== 'engines-excluded' ? input.modelLoads?.get(model) : undefined;
    if (!error || load === null) waiting.push(entry);
    else decisions.set(requestId, { type: 'reject', requestId, error: load ?? error });
  }

  let queue = waiting.map((entry) => entry.request);
  const contextNow = (): PolicyContext => ({ now: input.now, queue, engines: running.map(viewOf) });
  const orderingContext = contextNow();
  const ordering = resolveDelegate(input.policy, orderingContext).policy;
  const ordered = [...waiting].sort((a, b) => ordering.compare(a.request, b.request, orderingContext));

  for (const entry of ordered) {
    const { request } = entry;
    const candidates =
      freeSlots <= 0
        ? []
        : running
            .filter(
              (engine) =>
                servesModel(engine, request.model, request.kind) &&
                !entry.excludeEngineIds.has(engine.engineId) &&
                (inFlight.get(engine.engineId) ?? 0) < engine.maxConcurrentRequests,
            )
            .map(viewOf);
    if (candidates.length === 0) {
      decisions.set(request.requestId, { type: 'wait', requestId: request.requestId });
      continue;
    }
    const decision = decide(entry, candidates, contextNow(), input, stopwatch);
    decisions.set(request.requestId, decision);
    if (decision.type === 'wait') continue;
    queue = queue.filter((queued) => queued.requestId !== request.requestId);
    if (decision.type === 'dispatch') {
      inFlight.set(decision.engine.engineId, (inFlight.get(decision.engine.engineId) ?? 0) + 1);
      freeSlots -= 1;
    }
  }
  return input.entries.map((entry) => decisions.get(entry.request.requestId)!);
}

function decide(
  entry: PlanEntry,
  candidates: readonly CandidateView[],
  context: PolicyContext,
  input: DispatchPlanInput,
  stopwatch: () => number,
): DispatchDecision {
  const { requestId } = entry.request;
  const chosenPolicy = entry.policyName === undefined ? input.policy : input.policyByName(entry.policyName);
  let label = chosenPolicy.name;
  try {
    const started = stopwatch();
    const resolved = resolveDelegate(chosenPolicy, context);
    label = resolved.label;
    const choice = resolved.policy.pick(entry.request, candidates, context);
    const decisionMs = stopwatch() - started;
    if (choice === undefined) return { type: 'wait', requestId };
    const picked = candidates.find((candidate) => candidate.engine.engineId === choice.engine.engineId);
    if (!picked) {
      const detail = `it picked engine '${choice.engine.engineId}', which is not a candidate`;
      return { type: 'reject', requestId, error: new SchedulingPolicyError(label, requestId, detail) };
    }
    return { type: 'dispatch', requestId, engine: picked.engine, policy: label, decisionMs };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { type: 'reject', requestId, error: new SchedulingPolicyError(label, requestId, detail, error) };
  }
}

import { acceptsTraffic } from '@sage/protocol';
import type { EngineLoadTracker } from './engine-load-tracker.js';
import { servesModel, unavailability } from './model-resolution.js';
import { isUrgentClass } from './policies/candidate-ranking.js';
import type {
  CandidateView,
  PickExplanation,
  PolicyContext,
  QueueCounts,
  QueuedRequest,
  SchedulingPolicy,
} from './policies/scheduling-policy.js';
import type { PrefixCacheIndex } from './prefix-cache-index.js';
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
      /** Why: computed only when called (the decision header, debug logs). */
      explain: () => PickExplanation;
    }
  | {
      type: 'wait';
      requestId: string;
      /** Queue-aware placement: the busy engine the request waits for, and the expected wait. */
      waitFor?: { engineId: string; expectedWaitMs: number } | undefined;
    }
  | { type: 'reject'; requestId: string; error: Error };

/** Everything one round looks at. */
export interface DispatchPlanInput {
  /** Every queued entry (any order; the scheduler passes its queue in arrival order). */
  readonly entries: Iterable<PlanEntry>;
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
  /** Where engines' cached prompt prefixes are believed to be (sets `prefixMatch` of candidates). */
  readonly prefixIndex?: Pick<PrefixCacheIndex, 'match' | 'empty'> | undefined;
  /**
   * `entries` already in `policy`'s order at `now` (the scheduler keeps an incremental order for
   * `stableOrder` and `deadlineOrder` policies), or undefined to sort them this round.
   */
  readonly orderFor?: ((policy: SchedulingPolicy) => Iterable<PlanEntry> | undefined) | undefined;
  /** Counts over `entries` the scheduler keeps (spares composites a scan of the queue). */
  readonly queueCounts?: QueueCounts | undefined;
  /**
   * Check every entry for a model that lost all its engines (default true). The scheduler skips
   * it while the engine list is unchanged since the last check (each request is checked on arrival).
   */
  readonly checkAvailability?: boolean | undefined;
}

/** The policy that actually decides in `context` and its reported label (`adaptive→priority`). */
function resolveDelegate(
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
  const decided = new Map<string, DispatchDecision>();
  for (const decision of planRound(input)) decided.set(decision.requestId, decision);
  return [...input.entries].map(
    (entry) => decided.get(entry.request.requestId) ?? { type: 'wait', requestId: entry.request.requestId },
  );
}

/** Mutable per-round state behind the lazily built policy context. */
class RoundContext implements PolicyContext {
  readonly now: number;
  readonly waitingFor = new Map<string, number>();
  #queue: QueuedRequest[] | undefined;
  #arrival: QueuedRequest[] | undefined;
  #engines: CandidateView[] | undefined;
  #counts: { urgentClass: number; withDeadline: number } | undefined;
  readonly #left: Iterable<PlanEntry>;
  readonly #gone = new Set<string>();
  readonly #views: () => CandidateView[];

  constructor(
    now: number,
    left: Iterable<PlanEntry>,
    views: () => CandidateView[],
    counts: QueueCounts | undefined,
  ) {
    this.now = now;
    this.#left = left;
    this.#views = views;
    this.#counts = counts === undefined ? undefined : { ...counts };
  }

  /** Counts over the requests still queued (from the scheduler's, else counted on first use). */
  get queueCounts(): QueueCounts {
    if (this.#counts === undefined) {
      let urgentClass = 0;
      let withDeadline = 0;
      for (const request of this.queue) {
        if (isUrgentClass(request.priority)) urgentClass += 1;
        if (request.deadlineMs !== undefined) withDeadline += 1;
      }
      this.#counts = { urgentClass, withDeadline };
    }
    return this.#counts;
  }

  /** Every request still queued, in arrival order (built on first use after a change). */
  get queue(): readonly QueuedRequest[] {
    if (this.#queue === undefined) {
      // Arrival order: sorted once per round (entries may come in the policy's order), then filtered.
      if (this.#arrival === undefined) {
        this.#arrival = [];
        for (const entry of this.#left) this.#arrival.push(entry.request);
        let sorted = true;
        for (let index = 1; index < this.#arrival.length && sorted; index += 1) {
          sorted =
            (this.#arrival[index - 1] as QueuedRequest).sequence <
            (this.#arrival[index] as QueuedRequest).sequence;
        }
        if (!sorted) this.#arrival.sort((a, b) => a.sequence - b.sequence);
      }
      this.#queue =
        this.#gone.size === 0
          ? this.#arrival
          : this.#arrival.filter((request) => !this.#gone.has(request.requestId));
    }
    return this.#queue;
  }

  get engines(): readonly CandidateView[] {
    this.#engines ??= this.#views();
    return this.#engines;
  }

  left(request: QueuedRequest): void {
    this.#gone.add(request.requestId);
    this.#queue = undefined;
    const counts = this.#counts;
    if (counts === undefined) return;
    if (isUrgentClass(request.priority)) counts.urgentClass -= 1;
    if (request.deadlineMs !== undefined) counts.withDeadline -= 1;
  }

  loadChanged(): void {
    this.#engines = undefined;
  }

  /** A frozen snapshot for an explanation computed later. */
  snapshot(): PolicyContext {
    return {
      now: this.now,
      queue: this.queue,
      engines: this.engines,
      waitingFor: new Map(this.waitingFor),
      queueCounts: { ...this.queueCounts },
    };
  }
}

/**
 * One round's non-trivial decisions: dispatches, rejects and waits for a specific engine. Every
 * entry without a decision here waits. Cheap when nothing can be dispatched: no sorting, no
 * per-entry work beyond the availability check (itself skippable).
 */
export function planRound(input: DispatchPlanInput): DispatchDecision[] {
  const stopwatch = input.stopwatch ?? (() => 0);
  const running = input.engines.filter((engine) => acceptsTraffic(engine.status));
  const inFlight = new Map<string, number>();
  let freeSlots = 0;
  for (const engine of running) {
    const count = input.loads.view(engine).inFlight;
    inFlight.set(engine.engineId, count);
    freeSlots += Math.max(0, engine.maxConcurrentRequests - count);
  }
  const viewOf = (engine: SchedulableEngine): CandidateView =>
    input.loads.view(engine, inFlight.get(engine.engineId) ?? 0);

  const decisions: DispatchDecision[] = [];
  let waiting: Iterable<PlanEntry> = input.entries;
  let rejected: Set<string> | undefined;
  if (input.checkAvailability !== false || (input.modelLoads !== undefined && input.modelLoads.size > 0)) {
    const kept: PlanEntry[] = [];
    for (const entry of input.entries) {
      const { model, kind, requestId } = entry.request;
      const error = unavailability(input.engines, model, kind, entry.excludeEngineIds);
      const load = error && error.reason !== 'engines-excluded' ? input.modelLoads?.get(model) : undefined;
      if (!error || load === null) kept.push(entry);
      else {
        decisions.push({ type: 'reject', requestId, error: load ?? error });
        rejected ??= new Set();
        rejected.add(requestId);
      }
    }
    waiting = kept;
    if (kept.length === 0) return decisions;
  }
  if (freeSlots <= 0) return decisions;

  const context = new RoundContext(
    input.now,
    waiting,
    () => running.map(viewOf),
    rejected === undefined ? input.queueCounts : undefined,
  );
  const ordering = resolveDelegate(input.policy, context).policy;
  let ordered = input.orderFor?.(ordering);
  if (ordered === undefined) {
    ordered = [...waiting].sort((a, b) => ordering.compare(a.request, b.request, context));
  }

  for (const entry of ordered) {
    if (freeSlots <= 0) break;
    const { request } = entry;
    if (rejected?.has(request.requestId) === true) continue;
    const candidates: CandidateView[] = [];
    for (const engine of running) {
      if (
        servesModel(engine, request.model, request.kind) &&
        !entry.excludeEngineIds.has(engine.engineId) &&
        (inFlight.get(engine.engineId) ?? 0) < engine.maxConcurrentRequests
      ) {
        candidates.push(viewOf(engine));
      }
    }
    if (candidates.length === 0) continue;
    withPrefixMatch(request, candidates, input.prefixIndex);
    const decision = decide(entry, candidates, context, input, stopwatch);
    if (decision === undefined) continue;
    decisions.push(decision);
    if (decision.type === 'wait') {
      const target = decision.waitFor?.engineId;
      if (target !== undefined) context.waitingFor.set(target, (context.waitingFor.get(target) ?? 0) + 1);
      continue;
    }
    context.left(request);
    if (decision.type === 'dispatch') {
      inFlight.set(decision.engine.engineId, (inFlight.get(decision.engine.engineId) ?? 0) + 1);
      context.loadChanged();
      freeSlots -= 1;
    }
  }
  return decisions;
}

/** Set each candidate's `prefixMatch` from the index (views are fresh objects of this round). */
function withPrefixMatch(
  request: QueuedRequest,
  candidates: CandidateView[],
  index: DispatchPlanInput['prefixIndex'],
): void {
  const hashes = request.prefixHashes;
  if (hashes === undefined || hashes.length === 0) return;
  // Nothing cached anywhere: every match is 0, which scorers read from an absent `prefixMatch`.
  if (index === undefined || index.empty) return;
  const matches = index.match(hashes);
  if (matches.size === 0) return;
  for (let at = 0; at < candidates.length; at += 1) {
    const candidate = candidates[at]!;
    const matched = matches.get(candidate.engine.engineId);
    if (matched === undefined) continue;
    candidates[at] = {
      engine: candidate.engine,
      inFlight: candidate.inFlight,
      load: candidate.load,
      latencyMs: candidate.latencyMs,
      prefixMatch: matched / hashes.length,
    };
  }
}

function decide(
  entry: PlanEntry,
  candidates: readonly CandidateView[],
  context: RoundContext,
  input: DispatchPlanInput,
  stopwatch: () => number,
): DispatchDecision | undefined {
  const { request } = entry;
  const { requestId } = request;
  const chosenPolicy = entry.policyName === undefined ? input.policy : input.policyByName(entry.policyName);
  let label = chosenPolicy.name;
  try {
    const started = stopwatch();
    const resolved = resolveDelegate(chosenPolicy, context);
    label = resolved.label;
    const choice = resolved.policy.pick(request, candidates, context);
    const hold = choice === undefined ? undefined : resolved.policy.placement?.(request, choice, context);
    const decisionMs = stopwatch() - started;
    if (choice === undefined) return undefined;
    if (hold !== undefined) {
      const target = hold.waitFor.engine;
      if (
        !acceptsTraffic(target.status) ||
        !servesModel(target, request.model, request.kind) ||
        entry.excludeEngineIds.has(target.engineId)
      ) {
        const detail = `it chose to wait for engine '${target.engineId}', which cannot serve the request`;
        return { type: 'reject', requestId, error: new SchedulingPolicyError(label, requestId, detail) };
      }
      return {
        type: 'wait',
        requestId,
        waitFor: { engineId: target.engineId, expectedWaitMs: hold.expectedWaitMs },
      };
    }
    const picked = candidates.find((candidate) => candidate.engine.engineId === choice.engine.engineId);
    if (!picked) {
      const detail = `it picked engine '${choice.engine.engineId}', which is not a candidate`;
      return { type: 'reject', requestId, error: new SchedulingPolicyError(label, requestId, detail) };
    }
    const policy = resolved.policy;
    let snapshot: PolicyContext | undefined;
    const explain = (): PickExplanation => {
      snapshot ??= context.snapshot();
      return policy.explain?.(request, candidates, snapshot, picked) ?? { reason: policy.name, scores: {} };
    };
    return { type: 'dispatch', requestId, engine: picked.engine, policy: label, decisionMs, explain };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { type: 'reject', requestId, error: new SchedulingPolicyError(label, requestId, detail, error) };
  }
}

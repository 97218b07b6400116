import { PRIORITIES } from '@sage/protocol';
import type { RequestPriority } from '../scheduler-types.js';
import type { CandidateView, QueuedRequest } from './scheduling-policy.js';

/**
 * Orderings shared by the built-in policies. All are pure and total: every tie ends in the
 * request's arrival `sequence` or the engine's `engineId`, so results never depend on input order.
 */

/** Arrival order. */
export function compareArrival(a: QueuedRequest, b: QueuedRequest): number {
  return a.sequence - b.sequence;
}

/** 0 for `critical` … 4 for `background`. */
function priorityRank(priority: RequestPriority): number {
  return PRIORITIES.indexOf(priority);
}

/** Priority class first, then arrival. */
export function comparePriorityThenArrival(a: QueuedRequest, b: QueuedRequest): number {
  return priorityRank(a.priority) - priorityRank(b.priority) || compareArrival(a, b);
}

/** `critical` and `high` requests: the classes that get the fastest engine and switch `adaptive` to `priority`. */
export function isUrgentClass(priority: RequestPriority): boolean {
  return priority === 'critical' || priority === 'high';
}

/**
 * SLO urgency of a request at `now`: elapsed / deadline, capped at 1 (1 once the deadline has
 * passed, also for a non-positive deadline); 0 without a deadline.
 */
export function urgency(request: QueuedRequest, now: number): number {
  if (request.deadlineMs === undefined) return 0;
  if (request.deadlineMs <= 0) return 1;
  const elapsed = Math.max(0, now - request.arrivedAt);
  return Math.min(1, elapsed / request.deadlineMs);
}

/** By engine id: the order the baselines number a model's engines in. */
export function compareEngineId(a: CandidateView, b: CandidateView): number {
  if (a.engine.engineId === b.engine.engineId) return 0;
  return a.engine.engineId < b.engine.engineId ? -1 : 1;
}

/** Lowest load, then fewest in-flight, then engine id. */
export function compareLoad(a: CandidateView, b: CandidateView): number {
  return a.load - b.load || a.inFlight - b.inFlight || compareEngineId(a, b);
}

/** Mean load over `engines`; 0 when there are none. */
export function meanLoad(engines: readonly CandidateView[]): number {
  if (engines.length === 0) return 0;
  let total = 0;
  for (const engine of engines) total += engine.load;
  return total / engines.length;
}

/**
 * Priority class with aging: each class counts as `agingMs` of waiting, so a request that has
 * waited `agingMs` longer than another outranks it by one class (a `background` request waits at
 * most 4 × `agingMs` behind newly arrived `critical` ones: no class starves). Independent of the
 * clock (the `now` of both sides cancels), so the order of two queued requests never changes.
 */
export function compareAgedPriority(a: QueuedRequest, b: QueuedRequest, agingMs: number): number {
  const keyA = priorityRank(a.priority) * agingMs + a.arrivedAt;
  const keyB = priorityRank(b.priority) * agingMs + b.arrivedAt;
  return keyA - keyB || compareArrival(a, b);
}

import { servesModel } from '../model-resolution.js';
import type { CandidateView, PolicyContext, QueuedRequest, WaitForEngine } from './scheduling-policy.js';

/**
 * Queue-aware placement: should `request` wait for a busy engine instead of taking `chosen`?
 *
 * Expected finish on an engine = expected wait for a slot + its observed service time (latency
 * EWMA). A full engine frees a slot every `latency / maxConcurrentRequests` ms on average, and
 * the requests already waiting for it in this round go first:
 * `wait = latency × (1 + waiting) / maxConcurrentRequests`. The request waits only when it has a
 * deadline that `chosen` would miss and the busy engine would meet, finishing at least
 * `minGain` (a share) sooner. Engines never observed are never waited for.
 */
export function waitForFasterEngine(
  request: QueuedRequest,
  chosen: CandidateView,
  context: PolicyContext,
  minGain: number,
): WaitForEngine | undefined {
  if (request.deadlineMs === undefined || chosen.latencyMs === undefined) return undefined;
  const remaining = request.deadlineMs - (context.now - request.arrivedAt);
  if (chosen.latencyMs <= remaining) return undefined;
  let best: WaitForEngine | undefined;
  let bestFinish = chosen.latencyMs * (1 - minGain);
  for (const engine of context.engines) {
    const { engineId, maxConcurrentRequests } = engine.engine;
    if (
      engine.latencyMs === undefined ||
      engine.inFlight < maxConcurrentRequests ||
      request.excludedEngines?.has(engineId) === true ||
      !servesModel(engine.engine, request.model, request.kind)
    ) {
      continue;
    }
    const waiting = context.waitingFor?.get(engineId) ?? 0;
    const expectedWaitMs = (engine.latencyMs * (1 + waiting)) / Math.max(1, maxConcurrentRequests);
    const finish = expectedWaitMs + engine.latencyMs;
    if (finish <= remaining && finish < bestFinish) {
      bestFinish = finish;
      best = { waitFor: engine, expectedWaitMs };
    }
  }
  return best;
}

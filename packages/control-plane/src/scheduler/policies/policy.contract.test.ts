import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  deepFreeze,
  makeCandidate,
  makeContext,
  makeEngine,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';
import { planDispatch } from '../dispatch-plan.js';
import { EngineLoadTracker } from '../engine-load-tracker.js';
import { queueOrderFor } from '../queue-order.js';
import { RequestScheduler } from '../request-scheduler.js';
import type { Lease, SchedulableEngine } from '../scheduler-types.js';
import { schedulingPolicyNames } from './registry.js';
import type { CandidateView, PolicyContext, QueuedRequest } from './scheduling-policy.js';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const priorities = ['critical', 'high', 'normal', 'low', 'background'] as const;

function scenarioRequests(next: () => number, count: number): QueuedRequest[] {
  return Array.from({ length: count }, (_, index) =>
    makeQueued({
      requestId: `request-${index}`,
      sequence: index,
      arrivedAt: Math.floor(next() * 100),
      priority: priorities[Math.floor(next() * priorities.length)]!,
      deadlineMs: next() < 0.5 ? 50 + Math.floor(next() * 200) : undefined,
      estimatedTokens: next() < 0.5 ? 1 + Math.floor(next() * 1000) : undefined,
    }),
  );
}

function scenarioCandidates(next: () => number, count: number): CandidateView[] {
  return Array.from({ length: count }, (_, index) =>
    makeCandidate(
      { engineId: `engine-${index}`, gpuCount: Math.floor(next() * 3), pricePerGpuHour: next() * 4 },
      Math.floor(next() * 4),
      next() < 0.6 ? Math.floor(next() * 500) : undefined,
    ),
  );
}

/** Contexts that drive `adaptive` through each of its branches. */
function scenarioContexts(requests: QueuedRequest[], candidates: CandidateView[]): PolicyContext[] {
  const normal = requests.map((request) => ({ ...request, priority: 'normal' as const }));
  const full = candidates.map((candidate) => ({ ...candidate, load: 0.95 }));
  const idle = candidates.map((candidate) => ({ ...candidate, load: 0 }));
  return [
    makeContext({ now: 120, queue: requests, engines: candidates }),
    makeContext({ now: 400, queue: normal, engines: full }),
    makeContext({ now: 10, queue: normal, engines: idle }),
    makeContext({ now: 60, queue: normal, engines: candidates }),
  ];
}

describe.each(schedulingPolicyNames)('scheduling policy %s (contract)', (name) => {
  const policy = builtPolicy(name);

  it('has the name it is registered under', () => {
    expect(policy.name).toBe(name);
  });

  it('picks only from the given candidates', () => {
    const next = random(7);
    for (let round = 0; round < 50; round += 1) {
      const requests = scenarioRequests(next, 6);
      const candidates = scenarioCandidates(next, 1 + Math.floor(next() * 5));
      for (const context of scenarioContexts(requests, candidates)) {
        for (const request of requests) {
          const choice = policy.pick(request, candidates, context);
          expect(candidates).toContain(choice);
        }
      }
    }
  });

  it('returns undefined for an empty candidate list', () => {
    const requests = scenarioRequests(random(3), 5);
    for (const context of scenarioContexts(requests, scenarioCandidates(random(4), 3))) {
      for (const request of requests) expect(policy.pick(request, [], context)).toBeUndefined();
    }
  });

  it('leaves its inputs unmutated', () => {
    const next = random(11);
    const requests = deepFreeze(scenarioRequests(next, 8));
    const candidates = deepFreeze(scenarioCandidates(next, 4));
    const contexts = deepFreeze(scenarioContexts(requests, candidates));
    const before = JSON.stringify({ requests, candidates, contexts });
    for (const context of contexts) {
      orderIds(policy, requests, context);
      for (const request of requests) policy.pick(request, candidates, context);
      policy.delegate?.(context);
    }
    expect(JSON.stringify({ requests, candidates, contexts })).toBe(before);
  });

  it('orders requests with equal keys deterministically, by arrival', () => {
    const twins = Array.from({ length: 6 }, (_, index) =>
      makeQueued({ requestId: `twin-${index}`, sequence: 10 + index, deadlineMs: 100 }),
    );
    const context = makeContext({ now: 50, queue: twins });
    const expected = twins.map((request) => request.requestId);
    for (const permutation of [
      twins,
      [...twins].reverse(),
      [2, 5, 0, 4, 1, 3].map((index) => twins[index]!),
    ]) {
      expect(orderIds(policy, permutation, context)).toEqual(expected);
    }
    for (const [a, b] of [[twins[0]!, twins[1]!] as const]) {
      expect(Math.sign(policy.compare(a, b, context))).toBe(-Math.sign(policy.compare(b, a, context)));
      expect(policy.compare(a, b, context)).not.toBe(0);
    }
  });

  it('keeps an incremental queue order that equals a full sort at any time (where it has one)', () => {
    const next = random(23);
    // Arrival times never decrease with the sequence (the scheduler's clock at enqueue).
    let clock = 0;
    const requests = scenarioRequests(next, 60).map((request) => {
      clock += Math.floor(next() * 5);
      return { ...request, arrivedAt: clock };
    });
    const entries = requests.map((request) => ({ request }));
    const order = queueOrderFor(policy, entries.slice(0, 40));
    if (order === undefined) {
      expect(policy.stableOrder === true || policy.deadlineOrder === true).toBe(false);
      return;
    }
    const queued = new Set(entries.slice(0, 40));
    for (const entry of entries.slice(40)) {
      order.add(entry);
      queued.add(entry);
    }
    for (const entry of entries.filter((_, index) => index % 3 === 0)) {
      order.remove(entry);
      queued.delete(entry);
    }
    for (const now of [0, 90, clock, clock + 120, clock + 1000]) {
      const context = makeContext({ now, queue: [...queued].map((entry) => entry.request) });
      const sorted = [...queued]
        .sort((a, b) => policy.compare(a.request, b.request, context))
        .map((entry) => entry.request.requestId);
      expect([...order.ordered(now)].map((entry) => entry.request.requestId)).toEqual(sorted);
    }
  });

  it('reads prefix matches only if it declares usesPrefixHashes (the gateway skips hashing otherwise)', () => {
    if (policy.usesPrefixHashes === true) return;
    const next = random(29);
    const requests = scenarioRequests(next, 6).map((request) => ({ ...request, prefixHashes: [1, 2, 3] }));
    const candidates = scenarioCandidates(next, 5);
    const matched = candidates.map((candidate, index) => ({ ...candidate, prefixMatch: index % 2 }));
    for (const context of scenarioContexts(requests, candidates)) {
      for (const request of requests) {
        expect(policy.pick(request, matched, context)?.engine.engineId).toBe(
          policy.pick(request, candidates, context)?.engine.engineId,
        );
      }
    }
  });

  it('picks deterministically whatever the candidates order', () => {
    const next = random(19);
    const requests = scenarioRequests(next, 6);
    const candidates = scenarioCandidates(next, 5);
    for (const context of scenarioContexts(requests, candidates)) {
      for (const request of requests) {
        const forward = policy.pick(request, candidates, context)?.engine.engineId;
        const backward = policy.pick(request, [...candidates].reverse(), context)?.engine.engineId;
        expect(backward).toBe(forward);
      }
    }
  });

  it('yields exactly one decision per request id in a dispatch round', () => {
    const next = random(23);
    const engines = [
      makeEngine({ engineId: 'a', maxConcurrentRequests: 3 }),
      makeEngine({ engineId: 'b', maxConcurrentRequests: 2, gpuCount: 0 }),
      makeEngine({ engineId: 'gone', modelId: 'model-gone', status: 'FAILED' }),
    ];
    const entries = scenarioRequests(next, 12).map((request, index) => ({
      request: index % 5 === 4 ? { ...request, model: 'model-gone' } : request,
      policyName: undefined,
      excludeEngineIds: new Set(index % 3 === 0 ? ['a'] : []),
    }));
    const decisions = planDispatch({
      entries,
      engines,
      loads: new EngineLoadTracker(),
      policy,
      policyByName: builtPolicy,
      now: 100,
    });
    expect(decisions.map((decision) => decision.requestId)).toEqual(
      entries.map((entry) => entry.request.requestId),
    );
    expect(decisions.filter((decision) => decision.type === 'dispatch')).toHaveLength(5);
    expect(decisions.filter((decision) => decision.type === 'reject')).toHaveLength(2);
  });

  it('settles every acquire exactly once with the scheduler', async () => {
    const engines: SchedulableEngine[] = [
      makeEngine({ engineId: 'a', maxConcurrentRequests: 2 }),
      makeEngine({ engineId: 'b', maxConcurrentRequests: 1, gpuCount: 0 }),
    ];
    const scheduler = new RequestScheduler({ engines: () => engines, policy: name });
    const settled = new Map<string, number>();
    const count = (id: string) => settled.set(id, (settled.get(id) ?? 0) + 1);
    const next = random(29);
    const pending = scenarioRequests(next, 30).map((request, index) => {
      const model = index % 10 === 9 ? 'unknown-model' : request.model;
      return scheduler
        .acquire({ ...request, model, kind: 'llm' })
        .then(async (lease: Lease) => {
          count(request.requestId);
          await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 3)));
          lease.release({ ok: true, latencyMs: 5 });
        })
        .catch(() => count(request.requestId));
    });
    await Promise.all(pending);
    expect([...settled.values()]).toEqual(Array(30).fill(1));
    expect(scheduler.snapshot()).toMatchObject({ depth: 0, inFlight: {} });
  });
});

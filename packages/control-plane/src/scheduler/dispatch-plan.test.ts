import { describe, expect, it } from 'vitest';
import { builtPolicy, makeEngine, makeQueued } from './__fixtures__/scheduler-fixtures.js';
import { type DispatchPlanInput, planDispatch } from './dispatch-plan.js';
import { EngineLoadTracker } from './engine-load-tracker.js';
import type { SchedulingPolicy } from './policies/scheduling-policy.js';

function entries(count: number, overrides: { model?: string } = {}) {
  return Array.from({ length: count }, (_, index) => ({
    request: makeQueued({ requestId: `r${index}`, sequence: index, ...overrides }),
    policyName: undefined,
    excludeEngineIds: new Set<string>(),
  }));
}

function plan(overrides: Partial<DispatchPlanInput>) {
  return planDispatch({
    entries: entries(3),
    engines: [makeEngine({ engineId: 'a', maxConcurrentRequests: 2 })],
    loads: new EngineLoadTracker(),
    policy: builtPolicy('fifo'),
    policyByName: builtPolicy,
    now: 0,
    ...overrides,
  });
}

describe('planDispatch', () => {
  it('dispatches up to capacity, counting its own decisions, and leaves the rest waiting', () => {
    const loads = new EngineLoadTracker();
    loads.acquire('a');
    const decisions = plan({ loads, engines: [makeEngine({ engineId: 'a', maxConcurrentRequests: 3 })] });
    expect(decisions.map((decision) => decision.type)).toEqual(['dispatch', 'dispatch', 'wait']);
    expect(loads.inFlight('a')).toBe(1);
  });

  it('returns decisions in entry order, matched by request id, whatever the policy order', () => {
    const queued = entries(4).map((entry, index) => ({
      ...entry,
      request: { ...entry.request, priority: index === 3 ? ('critical' as const) : ('low' as const) },
    }));
    const decisions = plan({ entries: queued, policy: builtPolicy('priority') });
    expect(decisions.map((decision) => `${decision.requestId}:${decision.type}`)).toEqual([
      'r0:dispatch',
      'r1:wait',
      'r2:wait',
      'r3:dispatch',
    ]);
  });

  it('only considers RUNNING engines of the model and kind', () => {
    const engines = [
      makeEngine({ engineId: 'starting', status: 'STARTING' }),
      makeEngine({ engineId: 'unhealthy', status: 'UNHEALTHY' }),
      makeEngine({ engineId: 'draining', status: 'DRAINING' }),
      makeEngine({ engineId: 'other-model', modelId: 'model-b' }),
      makeEngine({ engineId: 'embedding', engineKind: 'embedding' }),
    ];
    expect(plan({ engines }).map((decision) => decision.type)).toEqual(['wait', 'wait', 'wait']);
  });

  it('labels a composite decision with its delegate', () => {
    const [first] = plan({ policy: builtPolicy('adaptive') });
    expect(first).toMatchObject({ type: 'dispatch', policy: 'adaptive→cost_optimized' });
  });

  it.each([
    {
      case: 'picks an engine that is not a candidate',
      pick: () => ({ engine: makeEngine({ engineId: 'rogue' }), inFlight: 0, load: 0, latencyMs: undefined }),
      message: /picked engine 'rogue', which is not a candidate/,
    },
    {
      case: 'throws',
      pick: () => {
        throw new Error('boom');
      },
      message: /scheduling policy 'broken' failed for request 'r0': boom/,
    },
  ])('rejects with SchedulingPolicyError when a policy $case', ({ pick, message }) => {
    const broken: SchedulingPolicy = { name: 'broken', compare: (a, b) => a.sequence - b.sequence, pick };
    const [first] = plan({ policy: broken, entries: entries(1) });
    expect(first).toMatchObject({ type: 'reject', error: { name: 'SchedulingPolicyError' } });
    expect(first?.type === 'reject' && first.error.message).toMatch(message);
  });
});

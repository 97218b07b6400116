import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEngine } from './__fixtures__/scheduler-fixtures.js';
import { schedulingPolicyNames } from './policies/registry.js';
import { RequestScheduler } from './request-scheduler.js';
import type {
  Lease,
  SchedulableEngine,
  ScheduleRequest,
  SchedulingDecisionEvent,
} from './scheduler-types.js';

function request(requestId: string, overrides: Partial<ScheduleRequest> = {}): ScheduleRequest {
  return { requestId, model: 'model-a', kind: 'llm', priority: 'normal', ...overrides };
}

function countByEngine(leases: readonly Lease[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const lease of leases) counts[lease.engine.engineId] = (counts[lease.engine.engineId] ?? 0) + 1;
  return counts;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RequestScheduler dispatch', () => {
  it.each(schedulingPolicyNames)(
    'updates load within a batch: 10 queued requests on 2 engines of capacity 5 → 5/5 (%s)',
    async (policy) => {
      const engines: SchedulableEngine[] = [
        makeEngine({ engineId: 'a', status: 'STARTING', maxConcurrentRequests: 5 }),
        makeEngine({ engineId: 'b', status: 'STARTING', maxConcurrentRequests: 5, gpuCount: 0 }),
      ];
      const scheduler = new RequestScheduler({ engines: () => engines, policy });
      const pending = Array.from({ length: 10 }, (_, index) =>
        scheduler.acquire(request(`r${index}`, { priority: index === 0 ? 'critical' : 'normal' })),
      );
      await Promise.resolve();
      expect(scheduler.snapshot().depth).toBe(10);
      for (const engine of engines) engine.status = 'RUNNING';
      scheduler.notifyEnginesChanged();
      const leases = await Promise.all(pending);
      expect(countByEngine(leases)).toEqual({ a: 5, b: 5 });
      expect(scheduler.snapshot()).toMatchObject({ depth: 0, inFlight: { a: 5, b: 5 } });
    },
  );

  it('matches decisions to requests by id, not by position', async () => {
    const engines = [
      makeEngine({ engineId: 'engine-a', modelId: 'model-a', maxConcurrentRequests: 1 }),
      makeEngine({ engineId: 'engine-b', modelId: 'model-b', maxConcurrentRequests: 1 }),
    ];
    const scheduler = new RequestScheduler({ engines: () => engines, policy: 'priority' });
    // Arrival order is a then b; the policy dispatches b (critical) first.
    const first = scheduler.acquire(request('wants-a', { model: 'model-a', priority: 'low' }));
    const second = scheduler.acquire(request('wants-b', { model: 'model-b', priority: 'critical' }));
    expect((await first).engine.engineId).toBe('engine-a');
    expect((await second).engine.engineId).toBe('engine-b');
  });

  it('serves requests waiting for a STARTING engine once it turns RUNNING', async () => {
    const engine = makeEngine({ engineId: 'a', status: 'STARTING' });
    const scheduler = new RequestScheduler({ engines: () => [engine] });
    let settled = false;
    const pending = scheduler.acquire(request('r1')).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    engine.status = 'RUNNING';
    scheduler.notifyEnginesChanged();
    expect((await pending).engine.engineId).toBe('a');
  });

  it('wakes the queue on release, and release is idempotent', async () => {
    const scheduler = new RequestScheduler({
      engines: () => [makeEngine({ engineId: 'a', maxConcurrentRequests: 1 })],
    });
    const first = await scheduler.acquire(request('r1'));
    const second = scheduler.acquire(request('r2'));
    await Promise.resolve();
    expect(scheduler.snapshot().depth).toBe(1);
    first.release({ ok: true, latencyMs: 10 });
    first.release({ ok: true, latencyMs: 10 });
    const lease = await second;
    expect(scheduler.load('a')).toBe(1);
    lease.release();
    expect(scheduler.load('a')).toBe(0);
  });

  it('resolves an engine label and, without a model, the default model of the kind', async () => {
    const engines = [
      makeEngine({ engineId: 'embed', modelId: 'bge', engineKind: 'embedding' }),
      makeEngine({ engineId: 'chat', modelId: 'qwen', engineLabel: 'fast-chat' }),
    ];
    const scheduler = new RequestScheduler({ engines: () => engines });
    expect((await scheduler.acquire(request('r1', { model: 'fast-chat' }))).engine.engineId).toBe('chat');
    expect((await scheduler.acquire(request('r2', { model: undefined }))).engine.engineId).toBe('chat');
    const embedding = await scheduler.acquire(request('r3', { model: undefined, kind: 'embedding' }));
    expect(embedding.engine.engineId).toBe('embed');
  });

  it('never picks an excluded engine (failover)', async () => {
    const engines = [makeEngine({ engineId: 'a' }), makeEngine({ engineId: 'b', maxConcurrentRequests: 1 })];
    const scheduler = new RequestScheduler({ engines: () => engines, policy: 'fifo' });
    const lease = await scheduler.acquire(request('r1', { excludeEngineIds: ['a'] }));
    expect(lease.engine.engineId).toBe('b');
  });

  it('reports adaptive decisions with their delegate on the lease and to onDecision', async () => {
    const events: SchedulingDecisionEvent[] = [];
    const scheduler = new RequestScheduler({
      engines: () => [makeEngine({ engineId: 'a' })],
      onDecision: (event) => events.push(event),
    });
    const lease = await scheduler.acquire(request('r1', { priority: 'critical' }));
    expect(lease.policy).toBe('adaptive→priority');
    const idle = await scheduler.acquire(request('r2'));
    expect(idle.policy).toBe('adaptive→cost_optimized');
    expect(events).toMatchObject([
      { type: 'request-dispatched', requestId: 'r1', engineId: 'a', policy: 'adaptive→priority' },
      { type: 'request-dispatched', requestId: 'r2', engineId: 'a', policy: 'adaptive→cost_optimized' },
    ]);
  });

  it('uses a per-request policy override to pick, and reports it', async () => {
    const scheduler = new RequestScheduler({ engines: () => [makeEngine({ engineId: 'a' })] });
    const lease = await scheduler.acquire(request('r1', { policy: 'fifo' }));
    expect(lease.policy).toBe('fifo');
    expect(scheduler.policy).toBe('adaptive');
  });

  it('sends critical requests to the engine with the lowest observed latency', async () => {
    const engines = [makeEngine({ engineId: 'slow' }), makeEngine({ engineId: 'quick' })];
    const scheduler = new RequestScheduler({ engines: () => engines, policy: 'priority' });
    const warmUp = await Promise.all([scheduler.acquire(request('w1')), scheduler.acquire(request('w2'))]);
    for (const lease of warmUp)
      lease.release({ ok: true, latencyMs: lease.engine.engineId === 'slow' ? 900 : 50 });
    const busy = await scheduler.acquire(request('n1'));
    expect(busy.engine.engineId).toBe('quick');
    const critical = await scheduler.acquire(request('c1', { priority: 'critical' }));
    expect(critical.engine.engineId).toBe('quick');
  });

  it('keeps the queue ordered by the policy set with setPolicy', async () => {
    const engine = makeEngine({ engineId: 'a', maxConcurrentRequests: 1, status: 'STARTING' });
    const scheduler = new RequestScheduler({ engines: () => [engine], policy: 'priority' });
    const order: string[] = [];
    const arrivals = [
      request('early-low', { priority: 'low' }),
      request('late-critical', { priority: 'critical' }),
    ];
    const pending = arrivals.map((arrival) =>
      scheduler.acquire(arrival).then((lease) => {
        order.push(arrival.requestId);
        lease.release();
      }),
    );
    scheduler.setPolicy('fifo');
    expect(scheduler.policy).toBe('fifo');
    engine.status = 'RUNNING';
    scheduler.notifyEnginesChanged();
    await Promise.all(pending);
    expect(order).toEqual(['early-low', 'late-critical']);
  });
});

describe('RequestScheduler.needsPrefixHashes', () => {
  it('asks for prompt hashes only when the deciding policy reads them', () => {
    const scheduler = new RequestScheduler({ engines: () => [], policy: 'adaptive' });
    expect(scheduler.needsPrefixHashes()).toBe(false);
    expect(scheduler.needsPrefixHashes('prefix_affinity')).toBe(true);
    expect(scheduler.needsPrefixHashes('no_such_policy')).toBe(false);
    scheduler.setPolicy('prefix_queue');
    expect(scheduler.needsPrefixHashes()).toBe(true);
    expect(scheduler.needsPrefixHashes('fifo')).toBe(false);
  });
});

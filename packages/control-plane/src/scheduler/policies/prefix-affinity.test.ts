import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  makeCandidate,
  makeContext,
  makeEngine,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';
import { RequestScheduler } from '../request-scheduler.js';
import type { Lease, SchedulableEngine } from '../scheduler-types.js';

describe('prefix_affinity', () => {
  const policy = builtPolicy('prefix_affinity');

  it('prefers the engine holding the prompt while loads are close', () => {
    const cached = { ...makeCandidate({ engineId: 'b' }, 1), prefixMatch: 0.9 };
    const cold = { ...makeCandidate({ engineId: 'a' }, 0), prefixMatch: 0 };
    expect(policy.pick(makeQueued({ requestId: 'r' }), [cold, cached], makeContext())).toBe(cached);
  });

  it('ages waiting requests: an old background request overtakes a newly arrived critical one', () => {
    const old = makeQueued({ requestId: 'old', priority: 'background', arrivedAt: 0, sequence: 0 });
    const fresh = makeQueued({ requestId: 'fresh', priority: 'critical', arrivedAt: 20_001, sequence: 1 });
    const recent = makeQueued({ requestId: 'recent', priority: 'critical', arrivedAt: 19_000, sequence: 2 });
    expect(orderIds(policy, [fresh, recent, old], makeContext({ now: 20_001 }))).toEqual([
      'recent',
      'old',
      'fresh',
    ]);
  });

  it('queue-aware: a request with a deadline waits for the busy fast engine instead of a slow free one', async () => {
    let now = 0;
    const engines: SchedulableEngine[] = [
      makeEngine({ engineId: 'fast', maxConcurrentRequests: 1 }),
      makeEngine({ engineId: 'slow', maxConcurrentRequests: 1 }),
    ];
    const scheduler = new RequestScheduler({
      engines: () => engines,
      policy: 'prefix_affinity',
      now: () => now,
    });
    // Teach the scheduler the engines' speeds: fast 100 ms, slow 1000 ms.
    for (const [engineId, latencyMs] of [
      ['fast', 100],
      ['slow', 1000],
    ] as const) {
      const lease = await scheduler.acquire({
        requestId: `warm-${engineId}`,
        kind: 'llm',
        priority: 'normal',
        excludeEngineIds: [engineId === 'fast' ? 'slow' : 'fast'],
      });
      lease.release({ ok: true, latencyMs });
    }
    const busy = await scheduler.acquire({
      requestId: 'busy',
      kind: 'llm',
      priority: 'normal',
      excludeEngineIds: ['slow'],
    });
    expect(busy.engine.engineId).toBe('fast');
    let urgent: Lease | undefined;
    const pending = scheduler
      .acquire({ requestId: 'urgent', kind: 'llm', priority: 'high', deadlineMs: 400 })
      .then((lease) => {
        urgent = lease;
      });
    await new Promise((resolve) => setImmediate(resolve));
    expect(urgent).toBeUndefined();
    expect(scheduler.snapshot().depth).toBe(1);
    now = 50;
    busy.release({ ok: true, latencyMs: 100 });
    await pending;
    expect(urgent?.engine.engineId).toBe('fast');
    expect(urgent?.explain()).toMatchObject({
      engineId: 'fast',
      policy: 'prefix_affinity',
      waitedForEngine: true,
    });
    urgent?.release({ ok: true });
    // Without a deadline it takes the free slow engine at once.
    const held = await scheduler.acquire({
      requestId: 'held',
      kind: 'llm',
      priority: 'normal',
      excludeEngineIds: ['slow'],
    });
    const plain = await scheduler.acquire({ requestId: 'plain', kind: 'llm', priority: 'high' });
    expect(plain.engine.engineId).toBe('slow');
    held.release();
    plain.release();
  });

  it('routes a repeated prompt back to the engine it went to, until the imbalance guard says no', async () => {
    const engines: SchedulableEngine[] = [
      makeEngine({ engineId: 'a', maxConcurrentRequests: 4 }),
      makeEngine({ engineId: 'b', maxConcurrentRequests: 4 }),
    ];
    const scheduler = new RequestScheduler({ engines: () => engines, policy: 'prefix_affinity' });
    const prompt = { kind: 'llm' as const, priority: 'normal' as const, prefixHashes: [11, 12, 13, 14] };
    const first = await scheduler.acquire({ requestId: 'p1', ...prompt });
    first.release({ ok: true, latencyMs: 10 });
    const leases: Lease[] = [];
    for (let index = 0; index < 3; index += 1)
      leases.push(await scheduler.acquire({ requestId: `p${index + 2}`, ...prompt }));
    // Affinity held for the second (same engine, load 0 vs 0) and third (0.25 vs 0 is within the margin) …
    expect(leases.slice(0, 2).map((lease) => lease.engine.engineId)).toEqual([
      first.engine.engineId,
      first.engine.engineId,
    ]);
    expect(leases[0]?.explain().reason).toBe('prefix');
    // … then the cached engine is 0.5 ahead: affinity yields.
    expect(leases[2]?.engine.engineId).not.toBe(first.engine.engineId);
    for (const lease of leases) lease.release();
    expect(scheduler.cachedChunks(first.engine.engineId)).toBe(4);
  });
});

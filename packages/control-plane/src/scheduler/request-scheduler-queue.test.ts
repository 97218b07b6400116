import { ValidationError } from '@sage/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEngine } from './__fixtures__/scheduler-fixtures.js';
import { schedulingPolicyNames } from './policies/registry.js';
import { RequestScheduler } from './request-scheduler.js';
import {
  EngineUnavailableError,
  ModelNotFoundError,
  QueueFullError,
  QueueTimeoutError,
  SchedulerClosedError,
  UnknownPolicyError,
} from './scheduler-errors.js';
import type {
  Lease,
  SchedulableEngine,
  ScheduleRequest,
  SchedulingDecisionEvent,
} from './scheduler-types.js';

function request(requestId: string, overrides: Partial<ScheduleRequest> = {}): ScheduleRequest {
  return { requestId, model: 'model-a', kind: 'llm', priority: 'normal', ...overrides };
}

/** One engine that is still loading: every request waits. */
function waitingScheduler(options: Partial<ConstructorParameters<typeof RequestScheduler>[0]> = {}) {
  const engines: SchedulableEngine[] = [makeEngine({ engineId: 'a', status: 'STARTING' })];
  return { engines, scheduler: new RequestScheduler({ engines: () => engines, ...options }) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('RequestScheduler queue limits and errors', () => {
  it('rejects a request still queued after queueTimeoutMs with QueueTimeoutError', async () => {
    vi.useFakeTimers();
    const { scheduler } = waitingScheduler({ queueTimeoutMs: 2000 });
    const pending = scheduler.acquire(request('r1'));
    const outcome = pending.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1999);
    expect(scheduler.snapshot().depth).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(QueueTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ waitedMs: 2000, model: 'model-a' });
    expect(scheduler.snapshot().depth).toBe(0);
  });

  it('rejects with QueueFullError when queueCapacity requests already wait', async () => {
    const { scheduler } = waitingScheduler({ queueCapacity: 2, queueTimeoutMs: 50 });
    const waiting = [scheduler.acquire(request('r1')), scheduler.acquire(request('r2'))];
    const error = await scheduler.acquire(request('r3')).catch((caught: unknown) => caught);
    expect(QueueFullError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ capacity: 2 });
    await Promise.allSettled(waiting);
  });

  it('removes an aborted request from the queue and rejects it with an AbortError', async () => {
    const { scheduler } = waitingScheduler();
    const controller = new AbortController();
    const pending = scheduler.acquire(request('r1'), controller.signal);
    expect(scheduler.snapshot().depth).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(scheduler.snapshot().depth).toBe(0);
    await expect(scheduler.acquire(request('r2'), AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects an unknown model at once with ModelNotFoundError', async () => {
    const engines = [
      makeEngine({ engineId: 'a' }),
      makeEngine({ engineId: 'old', modelId: 'model-old', status: 'STOPPED' }),
      makeEngine({ engineId: 'embed', modelId: 'bge', engineKind: 'embedding' }),
    ];
    const scheduler = new RequestScheduler({ engines: () => engines });
    for (const [model, kind] of [
      ['nope', 'llm'],
      ['model-old', 'llm'],
      ['bge', 'llm'],
    ] as const) {
      const error = await scheduler.acquire(request('r', { model, kind })).catch((caught: unknown) => caught);
      expect(ModelNotFoundError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ model, kind });
    }
    const none = new RequestScheduler({ engines: () => [] });
    await expect(none.acquire(request('r', { model: undefined, kind: 'embedding' }))).rejects.toMatchObject({
      name: 'ModelNotFoundError',
      model: undefined,
      kind: 'embedding',
    });
  });

  it('rejects queued requests with EngineUnavailableError when every engine of the model stops or fails', async () => {
    const { engines, scheduler } = waitingScheduler();
    const pending = scheduler.acquire(request('r1'));
    engines[0]!.status = 'FAILED';
    scheduler.notifyEnginesChanged();
    const error = await pending.catch((caught: unknown) => caught);
    expect(EngineUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      model: 'model-a',
      reason: 'engines-failed',
      engineIds: [engines[0]!.engineId],
    });
  });

  it('rejects a request for a model whose engines are all FAILED with EngineUnavailableError naming them, not ModelNotFoundError', async () => {
    const scheduler = new RequestScheduler({
      engines: () => [
        makeEngine({ engineId: 'broken', status: 'FAILED' }),
        makeEngine({ engineId: 'gone', status: 'STOPPED' }),
      ],
    });
    const error = await scheduler.acquire(request('r1')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      name: 'EngineUnavailableError',
      reason: 'engines-failed',
      engineIds: ['broken'],
    });
    expect((error as Error).message).toContain('sage llm engine restart broken');
  });

  it('still answers ModelNotFoundError for a model only STOPPED engines served', async () => {
    const scheduler = new RequestScheduler({
      engines: () => [makeEngine({ engineId: 'gone', status: 'STOPPED' })],
    });
    await expect(scheduler.acquire(request('r1'))).rejects.toMatchObject({ name: 'ModelNotFoundError' });
  });

  it('rejects at once with EngineUnavailableError when every engine of the model was already tried', async () => {
    const scheduler = new RequestScheduler({ engines: () => [makeEngine({ engineId: 'a' })] });
    await expect(scheduler.acquire(request('r1', { excludeEngineIds: ['a'] }))).rejects.toMatchObject({
      name: 'EngineUnavailableError',
      reason: 'engines-excluded',
    });
  });

  it('names every registered policy in UnknownPolicyError', async () => {
    const expected = `no scheduling policy 'fastest' (available: ${schedulingPolicyNames.join(', ')})`;
    const { scheduler } = waitingScheduler();
    expect(() => scheduler.setPolicy('fastest')).toThrow(expected);
    expect(() => new RequestScheduler({ engines: () => [], policy: 'fastest' })).toThrow(expected);
    const error = await scheduler
      .acquire(request('r1', { policy: 'fastest' }))
      .catch((caught: unknown) => caught);
    expect(UnknownPolicyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ policy: 'fastest', available: schedulingPolicyNames });
    expect(scheduler.policy).toBe('adaptive');
  });

  it('rejects a request id that is already queued', async () => {
    const { scheduler } = waitingScheduler({ queueTimeoutMs: 20 });
    const first = scheduler.acquire(request('same'));
    const error = await scheduler.acquire(request('same')).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    await expect(first).rejects.toMatchObject({ name: 'QueueTimeoutError' });
  });

  it.each([
    { case: 'an unknown priority', overrides: { priority: 'urgent' }, path: 'priority' },
    { case: 'a NaN deadline', overrides: { deadlineMs: Number.NaN }, path: 'deadlineMs' },
    { case: 'a negative deadline', overrides: { deadlineMs: -5 }, path: 'deadlineMs' },
    { case: 'an empty request id', overrides: { requestId: '' }, path: 'requestId' },
  ])('rejects $case with a ValidationError naming the field', async ({ overrides, path }) => {
    const scheduler = new RequestScheduler({ engines: () => [makeEngine({ engineId: 'a' })] });
    const invalid = { ...request('r1'), ...overrides } as ScheduleRequest;
    const error = await scheduler.acquire(invalid).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ path });
  });

  it('rejects everything queued on close, then refuses new requests', async () => {
    const { scheduler } = waitingScheduler();
    const pending = [scheduler.acquire(request('r1')), scheduler.acquire(request('r2'))];
    scheduler.close();
    for (const result of await Promise.allSettled(pending)) {
      expect(result.status).toBe('rejected');
      expect(SchedulerClosedError.isInstance((result as PromiseRejectedResult).reason)).toBe(true);
    }
    await expect(scheduler.acquire(request('r3'))).rejects.toMatchObject({ name: 'SchedulerClosedError' });
    const custom = waitingScheduler().scheduler;
    const queued = custom.acquire(request('r4'));
    custom.close(new Error('gateway stopping'));
    await expect(queued).rejects.toThrow('gateway stopping');
  });

  it('reports every rejection once to onDecision and survives a throwing hook', async () => {
    const events: SchedulingDecisionEvent[] = [];
    const { scheduler } = waitingScheduler({
      queueCapacity: 1,
      onDecision: (event) => {
        events.push(event);
        throw new Error('metrics exploded');
      },
    });
    const queued = scheduler.acquire(request('r1'));
    await scheduler.acquire(request('r2')).catch(() => {});
    await scheduler.acquire(request('r3', { model: 'nope' })).catch(() => {});
    scheduler.close();
    await queued.catch(() => {});
    expect(
      events.map((event) => [event.requestId, event.type === 'request-rejected' && event.reason]),
    ).toEqual([
      ['r2', 'QueueFullError'],
      ['r3', 'ModelNotFoundError'],
      ['r1', 'SchedulerClosedError'],
    ]);
  });

  it('loses nothing under 200 concurrent acquires on 2 engines of capacity 3', async () => {
    const engines = [
      makeEngine({ engineId: 'a', maxConcurrentRequests: 3 }),
      makeEngine({ engineId: 'b', maxConcurrentRequests: 3 }),
    ];
    let maxLoad = 0;
    const scheduler = new RequestScheduler({
      engines: () => engines,
      queueCapacity: 500,
      onDecision: (event) => {
        if (event.type === 'request-dispatched') maxLoad = Math.max(maxLoad, scheduler.load(event.engineId));
      },
    });
    const settled = new Map<string, number>();
    const served = new Map<string, number>();
    const holdThenRelease = async (lease: Lease, index: number) => {
      await new Promise((resolve) => setTimeout(resolve, index % 4));
      lease.release({ ok: index % 7 !== 0, latencyMs: 5 + (index % 9) });
    };
    const pending = Array.from({ length: 200 }, async (_, index) => {
      const id = `r${index}`;
      const priority = (['critical', 'high', 'normal', 'low', 'background'] as const)[index % 5];
      try {
        const lease = await scheduler.acquire(
          request(id, { priority, deadlineMs: index % 3 ? 500 : undefined }),
        );
        served.set(lease.engine.engineId, (served.get(lease.engine.engineId) ?? 0) + 1);
        settled.set(id, (settled.get(id) ?? 0) + 1);
        await holdThenRelease(lease, index);
      } catch {
        settled.set(id, (settled.get(id) ?? 0) + 1);
      }
    });
    await Promise.all(pending);
    expect(settled.size).toBe(200);
    expect([...settled.values()].every((count) => count === 1)).toBe(true);
    expect((served.get('a') ?? 0) + (served.get('b') ?? 0)).toBe(200);
    expect(maxLoad).toBeLessThanOrEqual(3);
    expect(scheduler.snapshot()).toEqual({ depth: 0, capacity: 500, policy: 'adaptive', inFlight: {} });
  });
});

import { describe, expect, it } from 'vitest';
import { catalogModelFromWire } from './catalog-model.js';
import type { ModelEngineView } from './model-engines.js';
import { planScaling, type ScalingModelInput } from './scaling-planner.js';

const NOW = 1_000_000;

function engine(engineId: string, overrides: Partial<ModelEngineView & { lastUsedAt: number }> = {}) {
  return {
    engineId,
    model: 'm',
    status: 'RUNNING' as const,
    gpuIds: [],
    gbPerGpu: 0,
    inFlight: 0,
    createdAt: 0,
    lastError: null,
    lastUsedAt: NOW,
    ...overrides,
  };
}

function plan(model: Record<string, unknown>, input: Partial<ScalingModelInput>) {
  return planScaling({
    now: NOW,
    scaleUpQueueWaitMs: 500,
    replicaIdleMs: 5_000,
    models: [
      {
        model: catalogModelFromWire({ name: 'm', model_id: 'org/m', ...model }, { trusted: true }),
        engines: [],
        queue: undefined,
        loading: false,
        ...input,
      },
    ],
  });
}

describe('planScaling', () => {
  it('unloads the last idle engine after ttl_s, never with ttl_s 0', () => {
    const idle = [engine('e1', { lastUsedAt: NOW - 11_000 })];
    expect(plan({ ttl_s: 10 }, { engines: idle })).toEqual([
      { type: 'unload', model: 'm', engineId: 'e1', reason: 'idle-ttl' },
    ]);
    expect(plan({ ttl_s: 0 }, { engines: idle })).toEqual([]);
    expect(plan({ ttl_s: 20 }, { engines: idle })).toEqual([]);
  });

  it('never unloads an engine with requests in flight or queued', () => {
    const busy = [engine('e1', { lastUsedAt: NOW - 60_000, inFlight: 1 })];
    expect(plan({ ttl_s: 1 }, { engines: busy })).toEqual([]);
    const idle = [engine('e1', { lastUsedAt: NOW - 60_000 })];
    expect(plan({ ttl_s: 1 }, { engines: idle, queue: { depth: 1, oldestArrivedAt: NOW } })).toEqual([]);
  });

  it('keeps min_replicas and loads up to it', () => {
    const idle = [engine('e1', { lastUsedAt: NOW - 60_000 })];
    expect(plan({ ttl_s: 1, min_replicas: 1, max_replicas: 2 }, { engines: idle })).toEqual([]);
    expect(plan({ min_replicas: 1 }, { engines: [] })).toEqual([
      { type: 'load', model: 'm', reason: 'min-replicas' },
    ]);
    expect(plan({ min_replicas: 1 }, { engines: [], loading: true })).toEqual([]);
  });

  it('scales up when the oldest request waited past the threshold, up to max_replicas', () => {
    const queue = { depth: 4, oldestArrivedAt: NOW - 600 };
    expect(plan({ max_replicas: 2 }, { engines: [engine('e1')], queue })).toEqual([
      { type: 'load', model: 'm', reason: 'scale-up' },
    ]);
    expect(plan({ max_replicas: 1 }, { engines: [engine('e1')], queue })).toEqual([]);
    expect(
      plan({ max_replicas: 2 }, { engines: [engine('e1')], queue: { depth: 4, oldestArrivedAt: NOW } }),
    ).toEqual([]);
    expect(
      plan({ max_replicas: 3 }, { engines: [engine('e1'), engine('e2', { status: 'STARTING' })], queue }),
    ).toEqual([]);
  });

  it('scales down idle replicas to one after replicaIdleMs, least recently used first', () => {
    const engines = [
      engine('newer', { lastUsedAt: NOW - 6_000 }),
      engine('older', { lastUsedAt: NOW - 9_000 }),
      engine('busy', { inFlight: 2 }),
    ];
    expect(plan({ max_replicas: 3 }, { engines })).toEqual([
      { type: 'unload', model: 'm', engineId: 'older', reason: 'scale-down' },
      { type: 'unload', model: 'm', engineId: 'newer', reason: 'scale-down' },
    ]);
  });
});

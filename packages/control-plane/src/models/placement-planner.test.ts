import { describe, expect, it } from 'vitest';
import { evictionOrder, planPlacement, type ResidentEngine } from './placement-planner.js';

const NOW = 1_000_000;

function resident(engineId: string, overrides: Partial<ResidentEngine> = {}): ResidentEngine {
  return {
    engineId,
    model: engineId,
    gpuIds: [0],
    gbPerGpu: 10,
    status: 'RUNNING',
    inFlight: 0,
    queued: 0,
    pinned: false,
    priority: 'normal',
    lastUsedAt: NOW - 60_000,
    runningSince: NOW - 120_000,
    reloadCostMs: 0,
    ...overrides,
  };
}

const oneGpu = [{ index: 0, totalGb: 24, freeGb: 4 }];
const need = (gbPerGpu: number, gpuCount = 1) => ({ model: 'new', gpuCount, gbPerGpu });

describe('planPlacement', () => {
  it('fits without evicting when a GPU has room (best fit)', () => {
    const plan = planPlacement({
      gpus: [
        { index: 0, totalGb: 80, freeGb: 70 },
        { index: 1, totalGb: 24, freeGb: 12 },
      ],
      need: need(10),
      residents: [],
      now: NOW,
      minResidencyMs: 0,
    });
    expect(plan).toEqual({ type: 'fit', gpuIds: [1], evict: [] });
  });

  it('evicts the least recently used idle engine, and only as many as needed', () => {
    const plan = planPlacement({
      gpus: oneGpu,
      need: need(10),
      residents: [
        resident('recent', { lastUsedAt: NOW - 1_000 }),
        resident('old', { lastUsedAt: NOW - 50_000 }),
      ],
      now: NOW,
      minResidencyMs: 0,
    });
    expect(plan.type).toBe('fit');
    if (plan.type === 'fit') expect(plan.evict.map((engine) => engine.engineId)).toEqual(['old']);
  });

  it('evicts the lowest priority first, whatever the recency', () => {
    const order = evictionOrder([
      resident('normal-old', { lastUsedAt: NOW - 100_000 }),
      resident('background-new', { priority: 'background', lastUsedAt: NOW }),
      resident('high-old', { priority: 'high', lastUsedAt: NOW - 200_000 }),
    ]);
    expect(order.map((engine) => engine.engineId)).toEqual(['background-new', 'normal-old', 'high-old']);
  });

  it('weighs reload cost: an engine expensive to reload counts as more recently used', () => {
    const order = evictionOrder([
      resident('big-cold-start', { lastUsedAt: NOW - 30_000, reloadCostMs: 120_000 }),
      resident('cheap', { lastUsedAt: NOW - 10_000, reloadCostMs: 1_000 }),
    ]);
    expect(order.map((engine) => engine.engineId)).toEqual(['cheap', 'big-cold-start']);
  });

  it('never evicts pinned engines or engines started by hand: a model that cannot fit is never', () => {
    const plan = planPlacement({
      gpus: oneGpu,
      need: need(10),
      residents: [resident('pinned', { pinned: true }), resident('by-hand', { model: null })],
      now: NOW,
      minResidencyMs: 0,
    });
    expect(plan.type).toBe('never');
    if (plan.type === 'never') expect(plan.reason).toMatch(/pinned/);
  });

  it('never evicts an engine with requests in flight or queued: the load waits', () => {
    for (const busy of [{ inFlight: 1 }, { queued: 2 }, { status: 'STARTING' }]) {
      const plan = planPlacement({
        gpus: oneGpu,
        need: need(10),
        residents: [resident('busy', busy)],
        now: NOW,
        minResidencyMs: 0,
      });
      expect(plan.type).toBe('wait');
    }
  });

  it('keeps an engine inside its minimum residency time (no thrash)', () => {
    const plan = planPlacement({
      gpus: oneGpu,
      need: need(10),
      residents: [resident('young', { runningSince: NOW - 1_000 })],
      now: NOW,
      minResidencyMs: 30_000,
    });
    expect(plan).toMatchObject({ type: 'wait', reason: expect.stringMatching(/minimum residency/) });
  });

  it('says never, naming the memory, when the model is larger than any GPU', () => {
    const plan = planPlacement({ gpus: oneGpu, need: need(40), residents: [], now: NOW, minResidencyMs: 0 });
    expect(plan).toMatchObject({ type: 'never', reason: expect.stringMatching(/24\.0 GB in all.*40\.0 GB/) });
  });

  it('needs enough GPUs for tensor parallelism and evicts on both', () => {
    const gpus = [
      { index: 0, totalGb: 24, freeGb: 4 },
      { index: 1, totalGb: 24, freeGb: 4 },
    ];
    const plan = planPlacement({
      gpus,
      need: need(10, 2),
      residents: [resident('tp2', { gpuIds: [0, 1] })],
      now: NOW,
      minResidencyMs: 0,
    });
    expect(plan).toMatchObject({ type: 'fit', gpuIds: [0, 1] });
    expect(planPlacement({ gpus, need: need(10, 3), residents: [], now: NOW, minResidencyMs: 0 }).type).toBe(
      'never',
    );
  });

  it('CPU engines need no placement', () => {
    expect(planPlacement({ gpus: [], need: need(0, 0), residents: [], now: NOW, minResidencyMs: 0 })).toEqual(
      {
        type: 'fit',
        gpuIds: [],
        evict: [],
      },
    );
  });
});

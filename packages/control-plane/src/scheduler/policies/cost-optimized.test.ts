import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  makeCandidate,
  makeContext,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';
import { CostOptimizedParameters, estimateRequestCost } from './cost-optimized.js';

const costOptimized = builtPolicy('cost_optimized');
const defaults = CostOptimizedParameters.parse({});

describe('cost_optimized policy', () => {
  it.each([
    { case: 'CPU engine', gpuCount: 0, price: 9, latencyMs: 500, tokens: undefined, expected: 0 },
    { case: '1 GPU, 1/h, 3.6 s', gpuCount: 1, price: 1, latencyMs: 3600, tokens: undefined, expected: 0.001 },
    {
      case: '2 GPUs, 3/h, 3.6 s',
      gpuCount: 2,
      price: 3,
      latencyMs: 3600,
      tokens: undefined,
      expected: 0.006,
    },
    {
      case: 'default latency 1 s',
      gpuCount: 1,
      price: 3.6,
      latencyMs: undefined,
      tokens: 256,
      expected: 0.001,
    },
    { case: 'twice the tokens', gpuCount: 1, price: 1, latencyMs: 3600, tokens: 512, expected: 0.002 },
    {
      case: 'default price 1/h',
      gpuCount: 1,
      price: undefined,
      latencyMs: 3600,
      tokens: 256,
      expected: 0.001,
    },
  ])('estimates cost: $case', ({ gpuCount, price, latencyMs, tokens, expected }) => {
    const candidate = makeCandidate({ engineId: 'e', gpuCount, pricePerGpuHour: price }, 0, latencyMs);
    const request = makeQueued({ requestId: 'r', estimatedTokens: tokens });
    expect(estimateRequestCost(request, candidate, defaults)).toBeCloseTo(expected, 9);
  });

  it.each([
    {
      case: 'a CPU engine beats any GPU engine',
      candidates: [
        makeCandidate({ engineId: 'gpu', gpuCount: 1, pricePerGpuHour: 0.01 }, 0, 1),
        makeCandidate({ engineId: 'cpu', gpuCount: 0 }, 3, 900),
      ],
      expected: 'cpu',
    },
    {
      case: 'fewer GPUs at the same price',
      candidates: [
        makeCandidate({ engineId: 'tp2', gpuCount: 2 }, 0, 100),
        makeCandidate({ engineId: 'tp1', gpuCount: 1 }, 3, 100),
      ],
      expected: 'tp1',
    },
    {
      case: 'the cheaper GPU',
      candidates: [
        makeCandidate({ engineId: 'h100', pricePerGpuHour: 4 }, 0, 100),
        makeCandidate({ engineId: 'l4', pricePerGpuHour: 0.8 }, 2, 100),
      ],
      expected: 'l4',
    },
    {
      case: 'a fast engine can be cheaper than a slow one',
      candidates: [
        makeCandidate({ engineId: 'slow', gpuCount: 1 }, 0, 5000),
        makeCandidate({ engineId: 'fast', gpuCount: 2 }, 0, 1000),
      ],
      expected: 'fast',
    },
    {
      case: 'equal cost → least loaded',
      candidates: [
        makeCandidate({ engineId: 'busy', gpuCount: 0 }, 3),
        makeCandidate({ engineId: 'calm', gpuCount: 0 }, 1),
      ],
      expected: 'calm',
    },
  ])('places on the cheapest engine: $case', ({ candidates, expected }) => {
    const request = makeQueued({ requestId: 'r' });
    expect(costOptimized.pick(request, candidates, makeContext())?.engine.engineId).toBe(expected);
  });

  it('orders the queue by priority class, then arrival', () => {
    const queue = [
      makeQueued({ requestId: 'normal-0', sequence: 0 }),
      makeQueued({ requestId: 'high-2', sequence: 2, priority: 'high' }),
      makeQueued({ requestId: 'low-1', sequence: 1, priority: 'low' }),
      makeQueued({ requestId: 'normal-3', sequence: 3 }),
    ];
    expect(orderIds(costOptimized, queue, makeContext())).toEqual([
      'high-2',
      'normal-0',
      'normal-3',
      'low-1',
    ]);
  });
});

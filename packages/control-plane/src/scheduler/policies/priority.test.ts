import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  makeCandidate,
  makeContext,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';

const priority = builtPolicy('priority');

describe('priority policy', () => {
  it('orders by priority class, then arrival', () => {
    const queue = [
      makeQueued({ requestId: 'low-1', sequence: 1, priority: 'low' }),
      makeQueued({ requestId: 'critical-5', sequence: 5, priority: 'critical' }),
      makeQueued({ requestId: 'normal-2', sequence: 2, priority: 'normal' }),
      makeQueued({ requestId: 'high-4', sequence: 4, priority: 'high' }),
      makeQueued({ requestId: 'critical-3', sequence: 3, priority: 'critical' }),
      makeQueued({ requestId: 'background-0', sequence: 0, priority: 'background' }),
    ];
    expect(orderIds(priority, queue, makeContext())).toEqual([
      'critical-3',
      'critical-5',
      'high-4',
      'normal-2',
      'low-1',
      'background-0',
    ]);
  });

  // fast: low latency but busy; idle: no latency observed, idle; slow: high latency, half busy.
  const candidates = [
    makeCandidate({ engineId: 'fast' }, 3, 40),
    makeCandidate({ engineId: 'idle' }, 0),
    makeCandidate({ engineId: 'slow' }, 2, 400),
  ];

  it.each([
    { priority: 'critical', expected: 'fast' },
    { priority: 'high', expected: 'fast' },
    { priority: 'normal', expected: 'idle' },
    { priority: 'low', expected: 'idle' },
    { priority: 'background', expected: 'idle' },
  ] as const)('sends $priority requests to $expected', ({ priority: requestPriority, expected }) => {
    const request = makeQueued({ requestId: 'r', priority: requestPriority });
    expect(priority.pick(request, candidates, makeContext())?.engine.engineId).toBe(expected);
  });

  it('sends critical requests to the least loaded engine while no latency is observed', () => {
    const unobserved = [makeCandidate({ engineId: 'a' }, 2), makeCandidate({ engineId: 'b' }, 1)];
    const request = makeQueued({ requestId: 'r', priority: 'critical' });
    expect(priority.pick(request, unobserved, makeContext())?.engine.engineId).toBe('b');
  });
});

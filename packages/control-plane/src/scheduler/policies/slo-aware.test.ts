import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  makeCandidate,
  makeContext,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';
import { urgency } from './candidate-ranking.js';
import { createSloAwarePolicy } from './slo-aware.js';

const sloAware = builtPolicy('slo_aware');

describe('slo_aware policy', () => {
  it.each([
    { case: 'no deadline', deadlineMs: undefined, now: 500, expected: 0 },
    { case: 'half way', deadlineMs: 200, now: 100, expected: 0.5 },
    { case: 'just arrived', deadlineMs: 200, now: 0, expected: 0 },
    { case: 'past the deadline', deadlineMs: 200, now: 900, expected: 1 },
    { case: 'zero deadline', deadlineMs: 0, now: 0, expected: 1 },
  ])('urgency: $case → $expected', ({ deadlineMs, now, expected }) => {
    expect(urgency(makeQueued({ requestId: 'r', deadlineMs }), now)).toBe(expected);
  });

  it('orders the most urgent first, then by arrival', () => {
    const queue = [
      makeQueued({ requestId: 'none', sequence: 0 }),
      makeQueued({ requestId: 'relaxed', sequence: 1, arrivedAt: 0, deadlineMs: 1000 }),
      makeQueued({ requestId: 'late-a', sequence: 2, arrivedAt: 0, deadlineMs: 10 }),
      makeQueued({ requestId: 'urgent', sequence: 3, arrivedAt: 50, deadlineMs: 60 }),
      makeQueued({ requestId: 'late-b', sequence: 4, arrivedAt: 0, deadlineMs: 20 }),
    ];
    expect(orderIds(sloAware, queue, makeContext({ now: 100 }))).toEqual([
      'late-a',
      'late-b',
      'urgent',
      'relaxed',
      'none',
    ]);
  });

  const candidates = [
    makeCandidate({ engineId: 'fast' }, 3, 30),
    makeCandidate({ engineId: 'idle' }, 0, 300),
  ];

  it.each([
    { case: 'urgency 0.9 → fastest', now: 90, expected: 'fast' },
    { case: 'urgency 0.71 → fastest', now: 71, expected: 'fast' },
    { case: 'urgency exactly 0.7 → least loaded', now: 70, expected: 'idle' },
    { case: 'urgency 0.2 → least loaded', now: 20, expected: 'idle' },
  ])('$case', ({ now, expected }) => {
    const request = makeQueued({ requestId: 'r', arrivedAt: 0, deadlineMs: 100 });
    expect(sloAware.pick(request, candidates, makeContext({ now }))?.engine.engineId).toBe(expected);
  });

  it('sends requests without a deadline to the least loaded engine', () => {
    const request = makeQueued({ requestId: 'r', priority: 'critical' });
    expect(sloAware.pick(request, candidates, makeContext({ now: 10_000 }))?.engine.engineId).toBe('idle');
  });

  it('takes its threshold from urgencyThreshold', () => {
    const eager = createSloAwarePolicy({ parameters: { urgencyThreshold: 0.1 }, policy: builtPolicy });
    const request = makeQueued({ requestId: 'r', deadlineMs: 100 });
    expect(eager.pick(request, candidates, makeContext({ now: 20 }))?.engine.engineId).toBe('fast');
    expect(() => createSloAwarePolicy({ parameters: { urgencyThreshold: 2 }, policy: builtPolicy })).toThrow(
      /slo_aware.*urgencyThreshold/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { builtPolicy, makeCandidate, makeContext, makeQueued } from '../__fixtures__/scheduler-fixtures.js';
import { createAdaptivePolicy } from './adaptive.js';

const adaptive = builtPolicy('adaptive');

/** Engines whose mean load is `meanLoad` (two engines of capacity 10). */
function enginesAt(meanLoad: number) {
  const inFlight = Math.round(meanLoad * 10);
  return [
    makeCandidate({ engineId: 'a', maxConcurrentRequests: 10 }, inFlight),
    makeCandidate({ engineId: 'b', maxConcurrentRequests: 10 }, inFlight),
  ];
}

describe('adaptive policy', () => {
  it.each([
    {
      case: 'a critical request waits',
      priority: 'critical',
      deadline: undefined,
      load: 0.5,
      expected: 'priority',
    },
    {
      case: 'a high request waits, even at low load',
      priority: 'high',
      deadline: undefined,
      load: 0,
      expected: 'priority',
    },
    { case: 'deadline and load > 0.8', priority: 'normal', deadline: 100, load: 0.9, expected: 'slo_aware' },
    {
      case: 'load > 0.8 without deadlines',
      priority: 'normal',
      deadline: undefined,
      load: 0.9,
      expected: 'slo_aware',
    },
    {
      case: 'load exactly 0.8 with a deadline',
      priority: 'normal',
      deadline: 100,
      load: 0.8,
      expected: 'slo_aware',
    },
    { case: 'load < 0.3', priority: 'low', deadline: undefined, load: 0.2, expected: 'cost_optimized' },
    {
      case: 'load < 0.3 with a deadline',
      priority: 'normal',
      deadline: 100,
      load: 0.1,
      expected: 'cost_optimized',
    },
    { case: 'load exactly 0.3', priority: 'normal', deadline: undefined, load: 0.3, expected: 'slo_aware' },
    { case: 'medium load', priority: 'normal', deadline: undefined, load: 0.5, expected: 'slo_aware' },
  ] as const)('delegates to $expected when $case', ({ priority, deadline, load, expected }) => {
    const queue = [
      makeQueued({ requestId: 'r', priority, deadlineMs: deadline }),
      makeQueued({ requestId: 's', sequence: 1 }),
    ];
    const context = makeContext({ now: 10, queue, engines: enginesAt(load) });
    expect(adaptive.delegate?.(context).name).toBe(expected);
  });

  it('treats an empty cluster as idle (cost_optimized)', () => {
    expect(adaptive.delegate?.(makeContext({ queue: [makeQueued({ requestId: 'r' })] })).name).toBe(
      'cost_optimized',
    );
  });

  it('orders and picks exactly as its delegate does', () => {
    const priority = builtPolicy('priority');
    const queue = [
      makeQueued({ requestId: 'late', sequence: 1, priority: 'critical' }),
      makeQueued({ requestId: 'early', sequence: 0, priority: 'low' }),
    ];
    const candidates = [makeCandidate({ engineId: 'fast' }, 3, 10), makeCandidate({ engineId: 'idle' }, 0)];
    const context = makeContext({ queue, engines: candidates });
    const [late, early] = queue as [(typeof queue)[0], (typeof queue)[0]];
    expect(adaptive.compare(late, early, context)).toBe(priority.compare(late, early, context));
    expect(adaptive.pick(late, candidates, context)).toBe(priority.pick(late, candidates, context));
  });

  it('validates its thresholds', () => {
    expect(() =>
      createAdaptivePolicy({ parameters: { lowLoad: 0.9, highLoad: 0.5 }, policy: builtPolicy }),
    ).toThrow(/adaptive.*lowLoad/);
  });
});

import { describe, expect, it } from 'vitest';
import { builtPolicy, makeCandidate, makeContext, makeQueued } from '../__fixtures__/scheduler-fixtures.js';

describe('baseline policies', () => {
  it('cyclic walks the ring by arrival number and skips a full engine', () => {
    const engines = ['a', 'b', 'c'].map((id) => makeCandidate({ engineId: id }));
    const context = makeContext({ engines });
    const policy = builtPolicy('cyclic');
    const picks = [0, 1, 2, 3].map(
      (sequence) =>
        policy.pick(makeQueued({ requestId: `r${sequence}`, sequence }), engines, context)?.engine.engineId,
    );
    expect(picks).toEqual(['a', 'b', 'c', 'a']);
    const withoutB = [engines[0]!, engines[2]!];
    expect(
      policy.pick(makeQueued({ requestId: 'r1', sequence: 1 }), withoutB, context)?.engine.engineId,
    ).toBe('c');
  });

  it('least_request counts in-flight requests, not load: the big engine with more in flight loses', () => {
    const big = makeCandidate({ engineId: 'big', maxConcurrentRequests: 16 }, 3);
    const small = makeCandidate({ engineId: 'small', maxConcurrentRequests: 2 }, 1);
    const request = makeQueued({ requestId: 'r' });
    expect(builtPolicy('least_request').pick(request, [big, small], makeContext())).toBe(small);
    expect(builtPolicy('fifo').pick(request, [big, small], makeContext())).toBe(big);
  });

  it('power_of_two takes the less busy of its two draws, the same for the same request', () => {
    const engines = ['a', 'b', 'c', 'd'].map((id, index) => makeCandidate({ engineId: id }, index));
    const policy = builtPolicy('power_of_two');
    for (let index = 0; index < 20; index += 1) {
      const request = makeQueued({ requestId: `r${index}` });
      const choice = policy.pick(request, engines, makeContext());
      expect(choice?.engine.engineId).not.toBe('d');
      expect(policy.pick(request, [...engines].reverse(), makeContext())).toBe(choice);
    }
  });

  it('prefix_queue follows the cache even onto a much busier engine (no guard)', () => {
    const hot = { ...makeCandidate({ engineId: 'hot' }, 3), prefixMatch: 1 };
    const idle = { ...makeCandidate({ engineId: 'idle' }, 0), prefixMatch: 0 };
    const request = makeQueued({ requestId: 'r' });
    expect(builtPolicy('prefix_queue').pick(request, [hot, idle], makeContext())).toBe(hot);
    expect(builtPolicy('prefix_affinity').pick(request, [hot, idle], makeContext())).toBe(idle);
  });
});

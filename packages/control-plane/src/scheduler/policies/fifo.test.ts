import { describe, expect, it } from 'vitest';
import {
  builtPolicy,
  makeCandidate,
  makeContext,
  makeQueued,
  orderIds,
} from '../__fixtures__/scheduler-fixtures.js';

const fifo = builtPolicy('fifo');

describe('fifo policy', () => {
  it('orders the queue by arrival, whatever the priority or deadline', () => {
    const queue = [
      makeQueued({ requestId: 'third', sequence: 3, priority: 'critical' }),
      makeQueued({ requestId: 'first', sequence: 1, priority: 'background' }),
      makeQueued({ requestId: 'second', sequence: 2, deadlineMs: 1 }),
    ];
    expect(orderIds(fifo, queue, makeContext({ now: 1000 }))).toEqual(['first', 'second', 'third']);
  });

  it.each([
    { case: 'lowest load ratio', loads: [3, 1, 2], capacities: [4, 4, 4], expected: 'engine-1' },
    { case: 'load ratio, not raw count', loads: [2, 3], capacities: [4, 12], expected: 'engine-1' },
    { case: 'equal ratio → fewer in flight', loads: [2, 1], capacities: [4, 2], expected: 'engine-1' },
    { case: 'full tie → lowest engine id', loads: [1, 1, 1], capacities: [4, 4, 4], expected: 'engine-0' },
  ])('places on the least-loaded engine: $case', ({ loads, capacities, expected }) => {
    const candidates = loads.map((inFlight, index) =>
      makeCandidate(
        { engineId: `engine-${index}`, maxConcurrentRequests: capacities[index]! },
        inFlight,
        index,
      ),
    );
    const request = makeQueued({ requestId: 'r', priority: 'critical' });
    expect(fifo.pick(request, candidates, makeContext())?.engine.engineId).toBe(expected);
  });

  it('rejects parameters it does not know, naming the policy', async () => {
    const { createFifoPolicy } = await import('./fifo.js');
    expect(() => createFifoPolicy({ parameters: { speed: 1 }, policy: builtPolicy })).toThrow(
      /scheduling policy 'fifo'/,
    );
  });
});

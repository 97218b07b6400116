import { describe, expect, it } from 'vitest';
import { makeEngine } from './__fixtures__/scheduler-fixtures.js';
import { EngineLoadTracker } from './engine-load-tracker.js';

describe('EngineLoadTracker', () => {
  it('counts in-flight leases and forgets engines with none', () => {
    const tracker = new EngineLoadTracker();
    tracker.acquire('a');
    tracker.acquire('a');
    tracker.acquire('b');
    expect(tracker.snapshot()).toEqual({ a: 2, b: 1 });
    tracker.release('b', undefined);
    tracker.release('a', undefined);
    expect(tracker.snapshot()).toEqual({ a: 1 });
  });

  it.each([
    { case: 'first sample is taken as is', samples: [100], expected: 100 },
    { case: 'later samples weigh 0.3', samples: [100, 200], expected: 130 },
    { case: 'three samples', samples: [100, 200, 0], expected: 91 },
  ])('keeps an EWMA of successful latencies: $case', ({ samples, expected }) => {
    const tracker = new EngineLoadTracker();
    for (const latencyMs of samples) {
      tracker.acquire('a');
      tracker.release('a', { ok: true, latencyMs });
    }
    expect(tracker.latencyMs('a')).toBeCloseTo(expected, 9);
  });

  it('ignores failed and latency-less outcomes', () => {
    const tracker = new EngineLoadTracker();
    for (const outcome of [{ ok: false, latencyMs: 5 }, { ok: true }, { ok: true, latencyMs: Number.NaN }]) {
      tracker.acquire('a');
      tracker.release('a', outcome);
    }
    expect(tracker.latencyMs('a')).toBeUndefined();
  });

  it('views load as in-flight over capacity', () => {
    const tracker = new EngineLoadTracker();
    tracker.acquire('a');
    expect(tracker.view(makeEngine({ engineId: 'a', maxConcurrentRequests: 4 }))).toMatchObject({
      inFlight: 1,
      load: 0.25,
    });
    expect(tracker.view(makeEngine({ engineId: 'z', maxConcurrentRequests: 0 })).load).toBe(1);
  });
});

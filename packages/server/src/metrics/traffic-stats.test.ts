import { describe, expect, it } from 'vitest';
import { TrafficStats } from './traffic-stats.js';

function clock(startMs: number) {
  let now = startMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TrafficStats', () => {
  it('summarises requests, errors by type and latency percentiles, in total and per model', () => {
    const time = clock(1_000_000);
    const stats = new TrafficStats({ windowSeconds: 60, now: time.now });
    for (let index = 1; index <= 100; index += 1) {
      stats.observe({ model: 'a', status: 200, durationSeconds: index / 1000 });
    }
    stats.observe({ model: 'b', status: 429, durationSeconds: 0.001, errorType: 'rate_limit_error' });
    stats.observe({ model: 'b', status: 502, durationSeconds: 0.002 });
    stats.observeFirstToken('a', 0.05);
    const snapshot = stats.snapshot();
    expect(snapshot.total).toMatchObject({
      requests: 102,
      errors: 2,
      errors_by_type: { rate_limit_error: 1, server_error: 1 },
    });
    const a = snapshot.models.find((model) => model.model === 'a');
    expect(a?.latency_ms).toEqual({ p50: 50, p99: 99 });
    expect(a?.ttft_ms).toEqual({ p50: 50, p99: 50 });
    expect(a?.requests_per_second).toBe(10); // 100 requests averaged over the last 10 s
    expect(snapshot.models.map((model) => model.model)).toEqual(['a', 'b']);
    expect(snapshot.series).toHaveLength(60);
    expect(snapshot.series.at(-1)).toEqual({ t: 1000, requests: 102, errors: 2 });
  });

  it('forgets what is older than the window and averages the rate over the last 10 seconds', () => {
    const time = clock(0);
    const stats = new TrafficStats({ windowSeconds: 30, now: time.now });
    stats.observe({ model: 'm', status: 200, durationSeconds: 0.1 });
    time.advance(15_000);
    stats.observe({ model: 'm', status: 200, durationSeconds: 0.3 });
    let snapshot = stats.snapshot();
    expect(snapshot.total.requests).toBe(2);
    expect(snapshot.total.requests_per_second).toBe(0.1);
    expect(snapshot.series.filter((point) => point.requests > 0).map((point) => point.t)).toEqual([0, 15]);
    time.advance(20_000);
    snapshot = stats.snapshot();
    expect(snapshot.total.requests).toBe(1);
    expect(snapshot.total.latency_ms).toEqual({ p50: 300, p99: 300 });
    expect(snapshot.total.requests_per_second).toBe(0);
    time.advance(60_000);
    expect(stats.snapshot().total).toMatchObject({ requests: 0, latency_ms: { p50: null, p99: null } });
  });

  it('keeps a bounded number of latency samples per second', () => {
    const stats = new TrafficStats({ samplesPerSecond: 3, now: () => 5_000 });
    for (const ms of [1, 2, 3, 1000, 1000])
      stats.observe({ model: 'm', status: 200, durationSeconds: ms / 1000 });
    const { total } = stats.snapshot();
    expect(total.requests).toBe(5);
    expect(total.latency_ms.p99).toBe(3);
  });
});

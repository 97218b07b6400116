import { Pool } from 'undici';
import { type Percentiles, percentiles } from './stats.js';

/** An open-loop run: requests are sent on a fixed schedule whatever the answers do. */
export interface PacedLoadOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  /** Requests per second. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive connections the requests are spread over (the most in flight at once). */
  connections: number;
}

export interface PacedLoadResult {
  /** Requests per second actually sent. */
  sentRate: number;
  /**
   * Latency of each 2xx answer from its *scheduled* send time, so waiting for a free connection
   * counts (no coordinated omission).
   */
  latencyMs: Percentiles;
  completed: number;
  failures: number;
}

/**
 * Send `rate` requests per second, evenly spaced, for `durationSeconds`, over `connections`
 * keep-alive connections (undici Pool), and time each answer. autocannon's own rate option
 * sends each second's quota in a burst, which measures queueing, not per-request overhead.
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.durationSeconds);
  const latencies: number[] = [];
  let failures = 0;
  const pending: Promise<void>[] = [];
  const startedAt = performance.now();
  const send = (scheduledAt: number) =>
    pool
      .request({ path: target.pathname, method: 'POST', headers, body: options.body })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) {
          latencies.push(performance.now() - scheduledAt);
        } else failures += 1;
      })
      .catch(() => {
        failures += 1;
      });
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    while (sent < total && startedAt + sent * interval <= now) {
      pending.push(send(startedAt + sent * interval));
      sent += 1;
    }
    const wait = startedAt + sent * interval - performance.now();
    await new Promise((resolve) => (wait > 1 ? setTimeout(resolve, wait - 1) : setImmediate(resolve)));
  }
  const sendSeconds = (performance.now() - startedAt) / 1000;
  await Promise.all(pending);
  await pool.close();
  return {
    sentRate: total / sendSeconds,
    latencyMs: percentiles(latencies),
    completed: latencies.length,
    failures,
  };
}

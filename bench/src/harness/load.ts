import autocannon from 'autocannon';
import { type Percentiles, percentiles } from './stats.js';

/** One closed-loop run: `connections` clients, each sending its next request when the last is answered. */
export interface LoadOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/** What a load run measured. Latencies are the raw per-request times (ms, sub-millisecond). */
export interface LoadResult {
  requestsPerSecond: number;
  latencyMs: Percentiles;
  completed: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failures: number;
}

/**
 * Run autocannon against `url` with a JSON POST body. Latencies come from autocannon's
 * per-response event (hrtime, fractional ms) rather than its integer-ms histogram, so sub-ms
 * differences survive.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: options.body,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 10,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  return {
    requestsPerSecond: latencies.length / options.durationSeconds,
    latencyMs: percentiles(latencies),
    completed: latencies.length,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

import type { ManagementStatsWire, TrafficSummaryWire as TrafficSummary } from '@sage/protocol';

/** What one finished request adds to the {@link TrafficStats}. */
export interface TrafficObservation {
  /** The model that served it; `''` when none was chosen. */
  model: string;
  /** HTTP status of the answer. */
  status: number;
  /** Arrival to the last byte, in seconds. */
  durationSeconds: number;
  /** OpenAI `error.type` of a failed request (status ≥ 400). */
  errorType?: string | undefined;
}

/** The traffic part of `GET /v1/management/stats`. */
export type TrafficSnapshot = Pick<ManagementStatsWire, 'window_seconds' | 'total' | 'models' | 'series'>;

/** Options of {@link TrafficStats}. */
export interface TrafficStatsOptions {
  /** Seconds of history kept (default 60). */
  windowSeconds?: number;
  /** Latency samples kept per model and second; further ones in that second are dropped (default 200). */
  samplesPerSecond?: number;
  /** The clock, in ms (default `Date.now`). */
  now?: () => number;
}

interface ModelSecond {
  requests: number;
  errors: number;
  errorsByType: Map<string, number>;
  latencies: number[];
  firstTokens: number[];
}

/** Requests per second are averaged over this many recent seconds (or the window when shorter). */
const RATE_SECONDS = 10;

interface Second {
  t: number;
  models: Map<string, ModelSecond>;
}

function emptyModelSecond(): ModelSecond {
  return { requests: 0, errors: 0, errorsByType: new Map(), latencies: [], firstTokens: [] };
}

/** The value below which `q` of the sorted samples lie (nearest rank); null without samples. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? null;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/**
 * A rolling window of the gateway's request traffic for the dashboard (docs/dashboard.md):
 * per-second buckets of requests, errors by type and latency samples, by model. It is fed from
 * the same observations as the Prometheus metrics and answers a compact JSON summary, so a
 * browser never parses `/metrics`. Memory is bounded: `windowSeconds × models × samplesPerSecond`.
 *
 * @example
 * ```ts
 * const stats = new TrafficStats({ windowSeconds: 60 });
 * stats.observe({ model: 'm', status: 200, durationSeconds: 0.12 });
 * stats.snapshot().total.requests; // 1
 * ```
 */
export class TrafficStats {
  readonly windowSeconds: number;
  readonly #samplesPerSecond: number;
  readonly #now: () => number;
  readonly #seconds: Second[] = [];

  constructor(options: TrafficStatsOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.#samplesPerSecond = options.samplesPerSecond ?? 200;
    this.#now = options.now ?? Date.now;
    if (!Number.isInteger(this.windowSeconds) || this.windowSeconds < 1) {
      throw new TypeError('TrafficStats: windowSeconds must be a positive integer');
    }
  }

  /** Record a finished request. */
  observe(observation: TrafficObservation): void {
    const bucket = this.#bucket(observation.model);
    bucket.requests += 1;
    if (bucket.latencies.length < this.#samplesPerSecond) {
      bucket.latencies.push(observation.durationSeconds * 1000);
    }
    if (observation.status >= 400) {
      bucket.errors += 1;
      const type =
        observation.errorType ?? (observation.status >= 500 ? 'server_error' : 'invalid_request_error');
      bucket.errorsByType.set(type, (bucket.errorsByType.get(type) ?? 0) + 1);
    }
  }

  /** Record the time to the first token of a streamed answer. */
  observeFirstToken(model: string, seconds: number): void {
    const bucket = this.#bucket(model);
    if (bucket.firstTokens.length < this.#samplesPerSecond) bucket.firstTokens.push(seconds * 1000);
  }

  /** The window as the stats endpoint answers it. */
  snapshot(): TrafficSnapshot {
    const current = Math.floor(this.#now() / 1000);
    this.#prune(current);
    const byModel = new Map<string, Array<[number, ModelSecond]>>();
    for (const second of this.#seconds) {
      for (const [model, bucket] of second.models) {
        const list = byModel.get(model) ?? [];
        list.push([second.t, bucket]);
        byModel.set(model, list);
      }
    }
    const models = [...byModel.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([model, buckets]) => ({ model, ...this.#summary(buckets, current) }));
    const counts = new Map(
      this.#seconds.map((second) => {
        let requests = 0;
        let errors = 0;
        for (const bucket of second.models.values()) {
          requests += bucket.requests;
          errors += bucket.errors;
        }
        return [second.t, { requests, errors }];
      }),
    );
    const series = [];
    for (let t = current - this.windowSeconds + 1; t <= current; t += 1) {
      series.push({ t, ...(counts.get(t) ?? { requests: 0, errors: 0 }) });
    }
    return {
      window_seconds: this.windowSeconds,
      total: this.#summary(
        this.#seconds.flatMap((second) =>
          [...second.models.values()].map((bucket) => [second.t, bucket] as const),
        ),
        current,
      ),
      models,
      series,
    };
  }

  #summary(buckets: ReadonlyArray<readonly [number, ModelSecond]>, current: number): TrafficSummary {
    const rateSeconds = Math.min(RATE_SECONDS, this.windowSeconds);
    let recent = 0;
    let requests = 0;
    let errors = 0;
    const errorsByType: Record<string, number> = {};
    const latencies: number[] = [];
    const firstTokens: number[] = [];
    for (const [t, bucket] of buckets) {
      if (t > current - rateSeconds) recent += bucket.requests;
      requests += bucket.requests;
      errors += bucket.errors;
      for (const [type, count] of bucket.errorsByType) errorsByType[type] = (errorsByType[type] ?? 0) + count;
      latencies.push(...bucket.latencies);
      firstTokens.push(...bucket.firstTokens);
    }
    latencies.sort((a, b) => a - b);
    firstTokens.sort((a, b) => a - b);
    return {
      requests,
      requests_per_second: Math.round((recent / rateSeconds) * 100) / 100,
      errors,
      errors_by_type: errorsByType,
      latency_ms: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
      ttft_ms: { p50: round(quantile(firstTokens, 0.5)), p99: round(quantile(firstTokens, 0.99)) },
    };
  }

  #bucket(model: string): ModelSecond {
    const t = Math.floor(this.#now() / 1000);
    this.#prune(t);
    let second = this.#seconds.at(-1);
    if (!second || second.t !== t) {
      second = { t, models: new Map() };
      this.#seconds.push(second);
    }
    let bucket = second.models.get(model);
    if (!bucket) {
      bucket = emptyModelSecond();
      second.models.set(model, bucket);
    }
    return bucket;
  }

  #prune(current: number): void {
    const oldest = current - this.windowSeconds + 1;
    while (this.#seconds.length > 0 && (this.#seconds[0]?.t ?? current) < oldest) this.#seconds.shift();
  }
}

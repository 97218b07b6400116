import type { Registry } from 'prom-client';
import { SeriesIndex } from './series-index.js';

/** One label set's buckets (not cumulative), sum and count. */
interface Series {
  labels: Record<string, string>;
  buckets: Float64Array;
  sum: number;
  count: number;
}

/** A histogram child bound to one label set (see {@link CompactHistogram.labels}). */
export interface HistogramChild {
  observe(value: number): void;
}

/** Options of {@link CompactHistogram}: those of prom-client's `Histogram` the gateway uses. */
export interface CompactHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A Prometheus histogram for the request path, exported exactly as prom-client's `Histogram`
 * (same text and JSON; the unit tests compare the two). prom-client hashes the label object and
 * looks each bucket up by a float-valued property name on every observation, which cost several
 * percent of the gateway's CPU; here a label set's series is found through a {@link SeriesIndex}
 * (nothing built per observation) and its bucket by index.
 */
export class CompactHistogram<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  readonly upperBounds: readonly number[];
  readonly #series: SeriesIndex<L, Series>;

  constructor(options: CompactHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.upperBounds = [...options.buckets].sort((a, b) => a - b);
    const bucketCount = this.upperBounds.length;
    this.#series = new SeriesIndex(options.labelNames, (labels) => ({
      labels,
      buckets: new Float64Array(bucketCount),
      sum: 0,
      count: 0,
    }));
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /**
   * Observe `value` for the label set `labels` (every label name, string values). Labels are
   * checked when their series is first seen; the types keep later calls in line.
   */
  observe(labels: Record<L, string>, value: number): void {
    this.#record(this.#series.get(labels), value);
  }

  /** A child for one label set, in the order of `labelNames`. */
  labels(...values: string[]): HistogramChild {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    }
    const labels = Object.fromEntries(this.labelNames.map((name, index) => [name, values[index]])) as Record<
      L,
      string
    >;
    return { observe: (value: number) => this.#record(this.#series.get(labels), value) };
  }

  reset(): void {
    this.#series.clear();
  }

  /** prom-client's metric protocol: what `Registry.metrics()` prints. */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    values: Array<Record<string, unknown>>;
    aggregator: string;
  }> {
    const values: Array<Record<string, unknown>> = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.#series.all) {
      let cumulative = 0;
      this.upperBounds.forEach((upperBound, index) => {
        cumulative += series.buckets[index] as number;
        values.push({
          labels: { le: upperBound },
          sharedLabels: series.labels,
          value: cumulative,
          metricName: bucketName,
          exemplar: null,
        });
      });
      values.push(
        {
          labels: { le: '+Inf' },
          sharedLabels: series.labels,
          value: series.count,
          metricName: bucketName,
          exemplar: null,
        },
        {
          labels: {},
          sharedLabels: series.labels,
          value: series.sum,
          metricName: `${this.name}_sum`,
          exemplar: undefined,
        },
        {
          labels: {},
          sharedLabels: series.labels,
          value: series.count,
          metricName: `${this.name}_count`,
          exemplar: undefined,
        },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** prom-client's metric protocol: what `Registry.getMetricsAsJSON()` returns. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: Array<Record<string, unknown>>;
    aggregator: string;
  }> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: { ...(labels as object), ...(sharedLabels as object) },
    }));
    return data;
  }

  #record(series: Series, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.upperBounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (value <= (bounds[index] as number)) {
        series.buckets[index] = (series.buckets[index] as number) + 1;
        break;
      }
    }
    series.sum += value;
    series.count += 1;
  }
}

import type { Registry } from 'prom-client';
import { SeriesIndex } from './series-index.js';

/** Options of {@link CompactCounter}: those of prom-client's `Counter` the gateway uses. */
export interface CompactCounterOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

/**
 * A labelled Prometheus counter for the request path, exported exactly as prom-client's
 * `Counter` (the unit tests compare the two). prom-client validates and hashes the label object
 * on every increment; here the series is found through a {@link SeriesIndex}.
 */
export class CompactCounter<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'counter';
  readonly aggregator = 'sum';
  readonly labelNames: readonly L[];
  readonly #series: SeriesIndex<L, { value: number; labels: Record<L, string> }>;

  constructor(options: CompactCounterOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.#series = new SeriesIndex(options.labelNames, (labels) => ({ value: 0, labels }));
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** Add `value` (default 1) to the series of `labels` (every label name, string values). */
  inc(labels: Record<L, string>, value = 1): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    this.#series.get(labels).value += value;
  }

  reset(): void {
    this.#series.clear();
  }

  /** prom-client's metric protocol: what `Registry.metrics()` and `getMetricsAsJSON()` read. */
  async get(): Promise<{
    help: string;
    name: string;
    type: string;
    values: Array<{ value: number; labels: Record<L, string> }>;
    aggregator: string;
  }> {
    return {
      help: this.help,
      name: this.name,
      type: this.type,
      values: this.#series.all.map(({ value, labels }) => ({ value, labels })),
      aggregator: this.aggregator,
    };
  }
}

import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CompactHistogram } from './compact-histogram.js';

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const LABELS = ['route', 'model', 'engine_id'] as const;

function pair() {
  const stock = new Registry();
  const compact = new Registry();
  const options = {
    name: 'sage_test_seconds',
    help: 'A test histogram',
    labelNames: LABELS,
    buckets: BUCKETS,
  };
  return {
    stock,
    compact,
    reference: new Histogram({ ...options, registers: [stock] }),
    histogram: new CompactHistogram({ ...options, registers: [compact] }),
  };
}

/** Values on, between, below and above the bucket bounds. */
const VALUES = [
  0, 0.00005, 0.0001, 0.0002, 0.00025, 0.0007, 0.001, 0.003, 0.0099, 0.01, 0.07, 0.1, 0.5, 42, 1e-9,
];

describe('CompactHistogram', () => {
  it("prints and exports exactly what prom-client's Histogram does, labels by object or by child", async () => {
    const { stock, compact, reference, histogram } = pair();
    let n = 0;
    for (const route of ['/v1/chat/completions', '/v1/embeddings']) {
      for (const [model, engine] of [
        ['fake/chat', 'e-1'],
        ['', ''],
        ['odd "model"\\\n', 'e-2'],
      ] as const) {
        for (const value of VALUES) {
          n += 1;
          const labels = { route, model, engine_id: engine };
          reference.observe(labels, value * n);
          if (n % 2 === 0) histogram.observe(labels, value * n);
          else histogram.labels(route, model, engine).observe(value * n);
        }
      }
    }
    expect(await compact.metrics()).toBe(await stock.metrics());
    expect(await compact.getMetricsAsJSON()).toEqual(await stock.getMetricsAsJSON());
  });

  it('prints nothing before the first observation and after reset, like prom-client', async () => {
    const { stock, compact, reference, histogram } = pair();
    expect(await compact.metrics()).toBe(await stock.metrics());
    const child = histogram.labels('/r', 'm', 'e');
    child.observe(0.01);
    reference.observe({ route: '/r', model: 'm', engine_id: 'e' }, 0.01);
    histogram.reset();
    reference.reset();
    expect(await compact.metrics()).toBe(await stock.metrics());
    child.observe(0.2);
    reference.observe({ route: '/r', model: 'm', engine_id: 'e' }, 0.2);
    expect(await compact.metrics()).toBe(await stock.metrics());
  });

  it('refuses what prom-client refuses: unknown labels, missing labels, non-finite values', () => {
    const { histogram } = pair();
    expect(() =>
      histogram.observe({ route: 'r', model: 'm', engine_id: 'e', extra: 'x' } as never, 1),
    ).toThrow();
    expect(() => histogram.observe({ route: 'r', model: 'm' } as never, 1)).toThrow();
    expect(() => histogram.observe({ route: 'r', model: 'm', engine_id: 'e' }, Number.NaN)).toThrow(
      TypeError,
    );
    expect(() => histogram.labels('r', 'm')).toThrow();
  });
});

import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CompactCounter } from './compact-counter.js';

const LABELS = ['route', 'model', 'engine_id', 'status'] as const;

function pair() {
  const stock = new Registry();
  const compact = new Registry();
  const options = { name: 'sage_test_total', help: 'A test counter', labelNames: LABELS };
  return {
    stock,
    compact,
    reference: new Counter({ ...options, registers: [stock] }),
    counter: new CompactCounter({ ...options, registers: [compact] }),
  };
}

describe('CompactCounter', () => {
  it("prints and exports exactly what prom-client's Counter does", async () => {
    const { stock, compact, reference, counter } = pair();
    expect(await compact.metrics()).toBe(await stock.metrics());
    let n = 0;
    for (const route of ['/v1/chat/completions', '/v1/embeddings']) {
      for (const model of ['fake/chat', '', 'odd "model"\\\n']) {
        for (const status of ['200', '400', '502']) {
          n += 1;
          const labels = { route, model, engine_id: n % 3 === 0 ? '' : 'e-1', status };
          for (let i = 0; i < n % 4; i += 1) {
            reference.inc(labels);
            counter.inc(labels);
          }
          reference.inc(labels, 0.5);
          counter.inc(labels, 0.5);
        }
      }
    }
    expect(await compact.metrics()).toBe(await stock.metrics());
    expect(await compact.getMetricsAsJSON()).toEqual(await stock.getMetricsAsJSON());
    reference.reset();
    counter.reset();
    expect(await compact.metrics()).toBe(await stock.metrics());
  });

  it('refuses what prom-client refuses: unknown labels, a negative or non-finite value', () => {
    const { counter } = pair();
    const labels = { route: 'r', model: 'm', engine_id: 'e', status: '200' };
    expect(() => counter.inc({ ...labels, extra: 'x' } as never)).toThrow();
    expect(() => counter.inc(labels, -1)).toThrow();
    expect(() => counter.inc(labels, Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});

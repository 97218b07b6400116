import { Hono } from 'hono';
import type { RouteContext } from '../route-context.js';

/** `GET /metrics`: Prometheus text. */
export function metricsRoute(context: RouteContext): Hono {
  return new Hono().get('/metrics', (c) =>
    c.body(context.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }),
  );
}

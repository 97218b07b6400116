import type { ControlPlaneManager } from '@sage/control-plane';
import { acceptsTraffic } from '@sage/protocol';
import { Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

/** What the health routes need. */
export interface HealthRoutesOptions {
  manager: ControlPlaneManager;
  metrics: GatewayMetrics;
}

/**
 * Unauthenticated probes: `GET /health` (200 while the gateway process serves), `GET /ready`
 * (200 when at least one engine is RUNNING, else 503; per-engine states in the body) and
 * `GET /metrics` (Prometheus text from this gateway's own registry).
 */
export function healthRoutes(options: HealthRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', (c) => {
    const engines: Record<string, string> = {};
    let ready = false;
    for (const engine of options.manager.listEngines()) {
      engines[engine.engineId] = engine.status;
      if (acceptsTraffic(engine.status)) ready = true;
    }
    return c.json({ ready, engines }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const { contentType, body } = await options.metrics.render();
    return c.body(body, 200, { 'content-type': contentType });
  });
  return app;
}

import type { ControlPlane } from '@sage/control-plane';
import { acceptsTraffic, gatewayHealthOf, HEALTH_HTTP_STATUS } from '@sage/protocol';
import { Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

/** What the health routes need. */
export interface HealthRoutesOptions {
  manager: ControlPlane;
  metrics: GatewayMetrics;
}

/**
 * Unauthenticated probes: `GET /health` (`ok` / `degraded` 200, `unavailable` 503 when no
 * engine is RUNNING; per-engine states in the body), `GET /live` (200 while the process serves:
 * a liveness probe), `GET /ready` (200 when at least one engine is RUNNING, else 503) and
 * `GET /metrics` (Prometheus text from this gateway's own registry).
 */
export function healthRoutes(options: HealthRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/health', (c) => {
    const health = gatewayHealthOf(options.manager.listEngines());
    return c.json(health, HEALTH_HTTP_STATUS[health.status]);
  });
  app.get('/live', (c) => c.json({ status: 'alive' }));
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

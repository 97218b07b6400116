import { z } from 'zod';
import { EngineStatus } from './engine-status.js';

/**
 * The gateway's own verdict on whether it can serve (`GET /health`):
 * - `ok`: every engine that should serve is RUNNING (STOPPED engines were stopped on purpose);
 * - `degraded`: at least one engine is RUNNING, others are not (STARTING, UNHEALTHY, RESTARTING, DRAINING, FAILED …);
 * - `unavailable`: no engine is RUNNING (none at all, or none healthy): nothing can be served.
 */
export const GatewayHealthStatus = z.enum(['ok', 'degraded', 'unavailable']);
export type GatewayHealthStatus = z.infer<typeof GatewayHealthStatus>;

/** The HTTP status `/health` answers with for each verdict: load balancers take 503 out of rotation. */
export const HEALTH_HTTP_STATUS: Readonly<Record<GatewayHealthStatus, 200 | 503>> = {
  ok: 200,
  degraded: 200,
  unavailable: 503,
};

/** Body of `GET /health` (snake_case wire form). */
export const GatewayHealthWire = z.object({
  status: GatewayHealthStatus,
  engines_running: z.number().int().nonnegative(),
  engines_total: z.number().int().nonnegative(),
  /** Engine id → its state and model. */
  engines: z.record(z.string(), z.object({ status: EngineStatus, model_id: z.string() })),
});
export type GatewayHealthWire = z.infer<typeof GatewayHealthWire>;

/** The verdict for a set of engines (pure). */
export function gatewayHealthOf(
  engines: ReadonlyArray<{ engineId: string; modelId: string; status: EngineStatus }>,
): GatewayHealthWire {
  const serving = engines.filter((engine) => engine.status !== 'STOPPED');
  const running = serving.filter((engine) => engine.status === 'RUNNING').length;
  const status: GatewayHealthStatus =
    running === 0 ? 'unavailable' : running === serving.length ? 'ok' : 'degraded';
  return {
    status,
    engines_running: running,
    engines_total: engines.length,
    engines: Object.fromEntries(
      engines.map((engine) => [engine.engineId, { status: engine.status, model_id: engine.modelId }]),
    ),
  };
}

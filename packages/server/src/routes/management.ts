import { type ControlPlane, schedulingPolicyNames } from '@sage/control-plane';
import {
  DEFAULT_PRESET_NAME,
  getBuiltinPreset,
  listBuiltinPresets,
  type Preset,
  validatePreset,
} from '@sage/presets';
import {
  type ClusterStatusWire,
  type GpuListWire,
  type GpuStatusWire,
  type ManagementStatsWire,
  PolicyRequestWire,
  type PolicyWire,
  PresetApplyRequestWire,
  type PresetApplyWire,
  toWire,
  ValidationError,
} from '@sage/protocol';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import type { GatewayEnv } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { metricsTargets } from '../metrics/metrics-targets.js';
import { applyPreset } from '../presets/apply-preset.js';
import { type JsonBodyLimits, readJsonBody } from '../request/read-json-body.js';
import { engineEventStream } from '../streaming/engine-event-stream.js';
import { catalogRoutes } from './management-catalog.js';
import { engineRoutes, engineToWire } from './management-engines.js';
import { modelRoutes } from './management-models.js';

/** What the management routes need. */
export interface ManagementRoutesOptions {
  manager: ControlPlane;
  metrics: GatewayMetrics;
  bodyLimits: JsonBodyLimits;
  logger: Logger;
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;

/** The preset a request names: a built-in by name, or an inline preset (validated; errors under `preset.`). */
function presetOf(body: z.output<typeof PresetApplyRequestWire>): Preset {
  if (body.preset === undefined) return getBuiltinPreset(body.name ?? DEFAULT_PRESET_NAME);
  try {
    return validatePreset(body.preset);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    throw new ValidationError({
      message: error.message,
      path: `preset.${error.path}`,
      issues: error.issues.map((issue) => ({ ...issue, path: `preset.${issue.path}` })),
      cause: error,
    });
  }
}

/**
 * `/v1/management`: engines (see `engineRoutes`), the model cache (`modelRoutes`), cluster status, GPUs, the engines' metrics
 * targets (Prometheus HTTP service discovery), the default scheduling policy, the built-in presets and preset application,
 * the dashboard's traffic stats and engine event stream (docs/dashboard.md). Admin-only when API keys are configured.
 */
export function managementRoutes(options: ManagementRoutesOptions): Hono<GatewayEnv> {
  const { manager } = options;
  const app = new Hono<GatewayEnv>();
  app.route('/engines', engineRoutes(options));
  app.route('/catalog', catalogRoutes(options));
  app.route('/models', modelRoutes(options));

  app.get('/status', async (c) => {
    const status = await manager.getClusterStatus();
    const queue = manager.queueSnapshot();
    const body: ClusterStatusWire = {
      engines: status.engines.map(engineToWire),
      gpus: status.gpus.map((gpu) => toWire<GpuStatusWire>(gpu)),
      scheduling_policy: queue.policy,
      queue: { depth: queue.depth, capacity: queue.capacity },
      engine_counts: status.engineCounts,
    };
    return c.json(body);
  });
  app.get('/stats', (c) => {
    const queue = manager.queueSnapshot();
    const inFlight = Object.values(queue.inFlight).reduce((sum, count) => sum + count, 0);
    return c.json<ManagementStatsWire>({
      ...options.metrics.traffic.snapshot(),
      queue: { depth: queue.depth, capacity: queue.capacity },
      in_flight: inFlight,
      in_flight_by_engine: queue.inFlight,
    });
  });
  app.get('/events', (c) => {
    const toWire = (engineId: string) => {
      try {
        return engineToWire(manager.getEngine(engineId));
      } catch {
        return null;
      }
    };
    const stream = engineEventStream({
      manager,
      toWire,
      heartbeatMs: GATEWAY_DEFAULTS.eventHeartbeatMs,
      signal: c.req.raw.signal,
    });
    return c.body(stream, 200, SSE_HEADERS);
  });
  app.get('/presets', (c) => c.json({ presets: listBuiltinPresets() }));
  app.get('/gpu', async (c) => {
    const gpus = await manager.getGpuStatus();
    const body: GpuListWire = { gpus: gpus.map((gpu) => toWire<GpuStatusWire>(gpu)), mock: manager.gpuMock };
    return c.json(body);
  });
  // Prometheus `http_sd_configs`: one target group per engine that has a process.
  app.get('/metrics/targets', (c) => c.json(metricsTargets(manager.listEngines())));
  app.get('/policy', (c) =>
    c.json<PolicyWire>({ policy: manager.schedulingPolicy, available: [...schedulingPolicyNames] }),
  );
  app.put('/policy', async (c) => {
    const body = await readJsonBody(c, PolicyRequestWire, 'invalid policy request', options.bodyLimits);
    manager.setSchedulingPolicy(body.policy);
    return c.json<PolicyWire>({ policy: manager.schedulingPolicy });
  });
  app.post('/presets/apply', async (c) => {
    const body = await readJsonBody(c, PresetApplyRequestWire, 'invalid preset request', options.bodyLimits);
    const applied = await applyPreset(manager, presetOf(body), {
      rollback: body.rollback,
      ...(body.timeout_ms === undefined ? {} : { timeoutMs: body.timeout_ms }),
      logger: options.logger,
      // A built-in preset is the product's; an inline one comes over the API.
      trusted: body.preset === undefined,
    });
    return c.json<PresetApplyWire>({
      preset: applied.preset,
      engines: applied.engines.map(engineToWire),
      models: applied.models,
    });
  });
  return app;
}

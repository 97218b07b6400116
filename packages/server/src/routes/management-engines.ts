import { type ControlPlane, EngineStartError } from '@sage/control-plane';
import {
  type EngineInfo,
  type EngineInfoWire,
  type EngineListWire,
  type EngineLogsWire,
  type PruneWire,
  parseEngineStartRequest,
  toWire,
} from '@sage/protocol';
import { type Context, Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import type { GatewayEnv } from '../gateway-env.js';
import { booleanQuery, integerQuery, readQuery } from '../request/query.js';
import { type JsonBodyLimits, parseJsonBytes, readBodyBytes } from '../request/read-json-body.js';
import { logEventStream } from '../streaming/log-event-stream.js';

/** What the engine management routes need. */
export interface EngineRoutesOptions {
  manager: ControlPlane;
  bodyLimits: JsonBodyLimits;
  logger: Logger;
}

/** An engine in its wire (snake_case) form. */
export function engineToWire(engine: EngineInfo): EngineInfoWire {
  return toWire<EngineInfoWire>(engine);
}

const StartQuery = z.object({
  wait: booleanQuery.optional(),
  wait_timeout_ms: integerQuery.pipe(z.int().positive()).optional(),
});
const StopQuery = z.object({ drain: booleanQuery.optional() });
const LogsQuery = z.object({
  tail: integerQuery.pipe(z.int().max(GATEWAY_DEFAULTS.maxLogTailLines)).optional(),
  follow: booleanQuery.optional(),
});

/** Wait until the engine is RUNNING, FAILED or STOPPED (or the timeout passes); its info either way. */
async function settle(manager: ControlPlane, engineId: string, timeoutMs: number): Promise<EngineInfo> {
  try {
    return await manager.waitForEngine(engineId, { timeoutMs });
  } catch (error) {
    if (!EngineStartError.isInstance(error)) throw error;
    return manager.getEngine(engineId);
  }
}

/**
 * `/v1/management/engines`: start (`POST`, `?wait=true` waits for RUNNING or FAILED), list, get,
 * stop (`DELETE`, `?drain=true`), restart, logs (`?tail=N`, `?follow=true` as SSE) and prune.
 * Unknown engines are 404, invalid bodies 400 naming the field, resource conflicts 409.
 */
export function engineRoutes(options: EngineRoutesOptions): Hono<GatewayEnv> {
  const { manager } = options;
  const app = new Hono<GatewayEnv>();
  const engineId = (c: Context<GatewayEnv>) => c.req.param('id') ?? '';

  app.post('/', async (c) => {
    const query = readQuery(c, StartQuery, 'invalid query');
    const { limitBytes, maxDepth } = options.bodyLimits;
    const body = parseJsonBytes(await readBodyBytes(c, limitBytes), maxDepth);
    const { modelId, ...startOptions } = parseEngineStartRequest(body);
    const started = await manager.requestEngineStartup(modelId, startOptions);
    const timeoutMs = query.wait_timeout_ms ?? GATEWAY_DEFAULTS.readyTimeoutMs;
    const engine = query.wait ? await settle(manager, started.engineId, timeoutMs) : started;
    return c.json(engineToWire(engine), 201);
  });
  app.get('/', (c) => c.json<EngineListWire>({ engines: manager.listEngines().map(engineToWire) }));
  app.post('/prune', async (c) => c.json<PruneWire>({ removed: await manager.pruneEngines() }));
  app.get('/:id', (c) => c.json(engineToWire(manager.getEngine(engineId(c)))));
  app.delete('/:id', async (c) => {
    const query = readQuery(c, StopQuery, 'invalid query');
    const engine = await manager.requestEngineShutdown(engineId(c), { drain: query.drain ?? false });
    return c.json(engineToWire(engine));
  });
  app.post('/:id/restart', async (c) => c.json(engineToWire(await manager.restartEngine(engineId(c)))));
  app.get('/:id/logs', async (c) => {
    const query = readQuery(c, LogsQuery, 'invalid query');
    const id = engineId(c);
    const lines = await manager.engineLogs(id, query.tail ?? GATEWAY_DEFAULTS.logTailLines);
    if (!query.follow) return c.json<EngineLogsWire>({ engine_id: id, lines });
    const stream = logEventStream({
      follow: (onLines, signal) => manager.followEngineLogs(id, onLines, signal),
      initialLines: query.tail === undefined ? [] : lines,
      heartbeatMs: GATEWAY_DEFAULTS.logHeartbeatMs,
      signal: c.req.raw.signal,
      logger: options.logger,
    });
    return c.body(stream, 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
  });
  return app;
}

import type { ControlPlane, EngineStateChange } from '@sage/control-plane';
import { hasLiveProcess } from '@sage/protocol';
import { Hono } from 'hono';
import { type Logger, pino } from 'pino';
import { newLocalAdminToken } from './auth/local-admin-token.js';
import type { GatewayApiKey, GatewayConfig } from './config/gateway-config.js';
import { resolveGatewayConfig } from './config/resolve-gateway-config.js';
import { RouteNotFoundError } from './errors/gateway-errors.js';
import { createErrorHandler } from './errors/on-error.js';
import type { GatewayEnv } from './gateway-env.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { observeManager } from './metrics/observe-manager.js';
import { apiKeyAuth } from './middleware/auth.js';
import { corsOrigins } from './middleware/cors-origins.js';
import { managementGuard } from './middleware/management-guard.js';
import { requestId } from './middleware/request-id.js';
import { EngineHealthReporter } from './proxy/engine-health-reporter.js';
import { EnginePools } from './proxy/engine-pools.js';
import { InferenceForwarder } from './proxy/inference-forwarder.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { managementRoutes } from './routes/management.js';
import { openAiRoutes } from './routes/openai.js';
import { translatedErrorShapes, translatedRoutes } from './routes/translated-routes.js';

/** Options of {@link createGateway}. */
export interface CreateGatewayOptions {
  /** A started manager; the gateway schedules onto its engines. */
  manager: ControlPlane;
  /** Gateway settings (defaults for anything missing; the environment is not read here). */
  config?: Partial<GatewayConfig>;
  /** Default: silent. */
  logger?: Logger;
  /** Default: a new registry for this gateway. One `GatewayMetrics` serves one gateway. */
  metrics?: GatewayMetrics;
  /**
   * The local admin token management routes require (an admin key when API keys are
   * configured). `startGateway()` passes the one in the state directory. Undefined: a random
   * token for this app only (read it with {@link gatewayAdminToken}); null: none (only with
   * `security.local_token: false`).
   */
  adminToken?: string | null;
}

/** Resources of each gateway app, released by {@link closeGateway}. */
const resources = new WeakMap<object, () => Promise<void>>();
/** The local admin token of each gateway app. */
const adminTokens = new WeakMap<object, string>();

/** The 401 message of management routes without API keys. */
const LOCAL_TOKEN_REFUSAL =
  'management routes need the local admin token: send Authorization: Bearer <token>. The gateway keeps it in ' +
  "'admin-token' in its state directory (SAGE_HOME, else ~/.sage), where the sage CLI and embedded mode read it";

/**
 * Build the gateway's Hono app: OpenAI routes under `/v1`, the management API under
 * `/v1/management` (behind the management guard and the local admin token, docs/security.md),
 * `/health`, `/ready` and `/metrics`, request ids, optional API keys and CORS, and one error handler. No socket is opened: serve it with `startGateway()`, or call
 * `app.request()` in tests.
 *
 * @example
 * ```ts
 * const manager = new ControlPlaneManager({ stateDir });
 * await manager.start();
 * const app = createGateway({ manager });
 * const response = await app.request('/v1/models');
 * ```
 */
export function createGateway(options: CreateGatewayOptions): Hono<GatewayEnv> {
  const { manager } = options;
  const config = resolveGatewayConfig({}, undefined, options.config);
  const logger = options.logger ?? pino({ level: 'silent' });
  const metrics = options.metrics ?? new GatewayMetrics();
  const detachMetrics = observeManager(metrics, manager);
  const pools = new EnginePools(config.proxy);
  const onStateChange = (change: EngineStateChange) => {
    // Its connections reach a process that is gone (or being replaced).
    if (!hasLiveProcess(change.to)) pools.drop(change.engineId);
  };
  manager.on('engine-state-change', onStateChange);
  const forwarder = new InferenceForwarder({
    manager,
    pools,
    health: new EngineHealthReporter({ manager, threshold: config.health.requestFailureThreshold, logger }),
    metrics,
    logger,
    maxAttempts: config.proxy.maxAttempts,
  });
  const onError = createErrorHandler({
    logger,
    retryAfterSeconds: config.proxy.retryAfterSeconds,
    errorShapes: translatedErrorShapes,
  });

  const app = new Hono<GatewayEnv>();
  app.use(requestId());
  if (config.corsOrigins.length > 0) app.use(corsOrigins(config.corsOrigins));
  app.route('/', healthRoutes({ manager, metrics }));
  app.route('/', dashboardRoutes({ logger }));
  const keysConfigured = config.apiKeys.length > 0;
  app.use(
    '/v1/management/*',
    managementGuard({
      keysConfigured,
      corsOrigins: config.corsOrigins,
      allowedHosts: config.security.allowedHosts,
    }),
  );
  const adminToken = options.adminToken === undefined ? newLocalAdminToken() : options.adminToken;
  const tokenKeys: GatewayApiKey[] = adminToken
    ? [{ key: adminToken, admin: true, name: 'local-admin-token' }]
    : [];
  if (keysConfigured) {
    const auth = apiKeyAuth({ keys: [...config.apiKeys, ...tokenKeys] });
    app.use('/v1/*', auth.authenticate);
    app.use('/v1/management/*', auth.requireAdmin);
  } else if (adminToken) {
    app.use('/v1/management/*', apiKeyAuth({ keys: tokenKeys, refusal: LOCAL_TOKEN_REFUSAL }).authenticate);
  }
  const bodyLimits = { limitBytes: config.bodyLimitBytes, maxDepth: config.limits.maxJsonDepth };
  app.route('/v1/management', managementRoutes({ manager, metrics, bodyLimits, logger }));
  app.route('/v1', openAiRoutes({ manager, forwarder, metrics, bodyLimits }));
  app.route('/v1', translatedRoutes({ forwarder, metrics, bodyLimits }));
  app.notFound((c) => onError(new RouteNotFoundError(c.req.method, c.req.path), c));
  app.onError(onError);

  if (adminToken) adminTokens.set(app, adminToken);
  resources.set(app, async () => {
    manager.off('engine-state-change', onStateChange);
    detachMetrics();
    await pools.close();
  });
  return app;
}

/**
 * The local admin token a gateway app requires on its management routes (undefined when it
 * has none): send it as `Authorization: Bearer <token>`.
 */
export function gatewayAdminToken(app: Hono<GatewayEnv>): string | undefined {
  return adminTokens.get(app);
}

/**
 * Release what {@link createGateway} holds outside the app: engine connection pools and manager
 * listeners. `startGateway().close()` calls it; call it yourself when you serve the app another way.
 */
export async function closeGateway(app: Hono<GatewayEnv>): Promise<void> {
  const release = resources.get(app);
  resources.delete(app);
  await release?.();
}

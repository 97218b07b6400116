import {
  type ControlPlaneManagerOptions,
  catalogModelFromWire,
  createCustomBackend,
} from '@sage/control-plane';
import type { Logger } from 'pino';
import type { GatewayConfig } from './gateway-config.js';

/** Drop undefined values, so the manager's own defaults apply. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}

/**
 * The `ControlPlaneManager` options a gateway configuration implies: state directory, the
 * gateway's own port (never given to an engine), health and restart settings, the scheduler,
 * the custom backends (the only place custom commands come from) and the engine request policy.
 */
export function toManagerOptions(config: GatewayConfig, logger?: Logger): ControlPlaneManagerOptions {
  const { health, scheduling } = config;
  return defined({
    stateDir: config.stateDir,
    gatewayPort: config.port === 0 ? undefined : config.port,
    logger,
    healthCheckIntervalMs: health.intervalMs,
    healthCheckTimeoutMs: health.timeoutMs,
    consecutiveFailuresThreshold: health.consecutiveFailuresThreshold,
    autoRestart: health.autoRestart,
    maxRestartAttempts: health.maxRestartAttempts,
    restartBackoffBaseMs: health.restartBackoffBaseMs,
    restartBackoffMaxMs: health.restartBackoffMaxMs,
    restartResetAfterMs: health.restartResetAfterMs,
    readinessPollMs: health.readinessPollMs,
    startupTimeoutMs: health.startupTimeoutMs,
    stopTimeoutMs: health.stopTimeoutMs,
    processSampleIntervalMs: health.processSampleIntervalMs,
    drainTimeoutMs: health.drainTimeoutMs,
    scheduling: {
      policy: scheduling.policy,
      queueCapacity: scheduling.queueCapacity,
      queueTimeoutMs: scheduling.queueTimeoutMs,
      policyParameters: scheduling.parameters,
    },
    customBackends: config.backends.map((backend) => createCustomBackend(backend)),
    allowedExtraArgs: config.engines.allowedExtraArgs,
    modelDirs: config.engines.modelDirs,
    models: config.engines.hubEndpoint ? { hubEndpoint: config.engines.hubEndpoint } : undefined,
    passEnv: config.engines.passEnv,
    engineMemoryCapMb: config.engines.memoryCapMb,
    executor: config.executor,
    catalog: {
      // From the configuration file: operator-trusted, `args` go on the command line as written.
      models: config.models.map((model) => catalogModelFromWire(model, { trusted: true })),
      groups: config.modelGroups,
      ...defined(config.modelLoading),
    },
  });
}

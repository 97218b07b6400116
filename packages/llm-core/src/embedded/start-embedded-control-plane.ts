import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_GATEWAY_HOST, ENV } from '@sage/protocol';
import type { Logger } from 'pino';
import { CLIENT_DEFAULTS } from '../defaults.js';
import type { EmbeddedGateway, GatewayModule, GatewayModuleLoader } from './gateway-module.js';

export interface EmbeddedControlPlaneOptions {
  preset?: string | Record<string, unknown> | undefined;
  stateDir?: string | undefined;
  /** Unset: the gateway's own default (`SAGE_SCHEDULING_POLICY`, else `adaptive`). */
  schedulingPolicy?: string | undefined;
  logger?: Logger | undefined;
  environment: Readonly<Record<string, string | undefined>>;
  loadGateway: GatewayModuleLoader;
}

/** A gateway (with its manager and engines) running inside this process. */
export interface EmbeddedControlPlane {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** The gateway's local admin token, for its management routes (docs/security.md). */
  readonly adminToken: string | undefined;
  /** Stop the gateway and every engine it started. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The embedded gateway's logger: the caller's, else pino at `SAGE_LOG_LEVEL` (default `warn`),
 * so an application's output is not filled with the gateway's info lines.
 */
function embeddedLogger(options: EmbeddedControlPlaneOptions, server: GatewayModule): Logger {
  if (options.logger) return options.logger;
  return server.createGatewayLogger(options.environment[ENV.logLevel] || CLIENT_DEFAULTS.embeddedLogLevel);
}

/**
 * Start a gateway on an ephemeral loopback port with the given preset (default: the built-in
 * offline preset) and scheduling policy; `startGateway` waits until the preset's engines run.
 */
export async function startEmbeddedControlPlane(
  options: EmbeddedControlPlaneOptions,
): Promise<EmbeddedControlPlane> {
  const server = await options.loadGateway();
  const preset = options.preset ?? server.DEFAULT_PRESET_NAME;
  const logger = embeddedLogger(options, server);
  // A private state directory unless one is given: an embedded control plane must never adopt
  // (and later stop) the engines of a gateway that runs over the shared SAGE_HOME.
  const privateStateDir =
    options.stateDir === undefined ? await mkdtemp(join(tmpdir(), 'sage-embedded-')) : undefined;
  let gateway: EmbeddedGateway;
  try {
    gateway = await server.startGateway({
      host: DEFAULT_GATEWAY_HOST,
      port: 0,
      preset,
      ...(options.schedulingPolicy === undefined ? {} : { policy: options.schedulingPolicy }),
      // Engines die with the application, even when it is killed without close().
      managerOptions: { stopEnginesOnExit: true, stateDir: options.stateDir ?? privateStateDir },
      logger,
    });
  } catch (error) {
    if (privateStateDir) await rm(privateStateDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${gateway.url.replace(/\/+$/, '')}/v1`,
    adminToken: gateway.adminToken,
    close: () => {
      closing ??= gateway.close({ stopEngines: true }).then(async () => {
        if (privateStateDir) await rm(privateStateDir, { recursive: true, force: true });
      });
      return closing;
    },
  };
}

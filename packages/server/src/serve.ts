import type { ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { type ControlPlane, ControlPlaneManager, type ControlPlaneManagerOptions } from '@sage/control-plane';
import { type PresetInput, resolvePreset } from '@sage/presets';
import type { Hono } from 'hono';
import { type DestinationStream, type Logger, pino } from 'pino';
import { ensureLocalAdminToken, localAdminTokenPath } from './auth/local-admin-token.js';
import type { GatewayConfig } from './config/gateway-config.js';
import { loadGatewayConfig } from './config/load-gateway-config.js';
import { toManagerOptions } from './config/manager-options.js';
import { resolveGatewayConfig } from './config/resolve-gateway-config.js';
import { closeGateway, createGateway } from './create-gateway.js';
import { GATEWAY_DEFAULTS } from './defaults.js';
import { GatewayStartAbortedError, InsecureBindError } from './errors/gateway-errors.js';
import type { GatewayEnv } from './gateway-env.js';
import { applyPreset } from './presets/apply-preset.js';

/** Options of {@link startGateway}. Explicit options win over the environment, which wins over the file. */
export interface StartGatewayOptions {
  host?: string;
  /** 0 = an ephemeral port (read it from `RunningGateway.port`). */
  port?: number;
  /** A resolved configuration, or the path of a `sage.yaml`. */
  config?: GatewayConfig | string;
  /** Use this (started or not) manager; it is then not closed by `close()`. Default: one is made from the configuration. */
  manager?: ControlPlane;
  /** Extra options for the manager the gateway makes (tests: state dir, ports, GPU mock). */
  managerOptions?: Partial<ControlPlaneManagerOptions>;
  /** A preset (built-in name, file path or object) applied at start; `startGateway` waits until its engines are RUNNING. */
  preset?: string | PresetInput | Record<string, unknown>;
  /** The default scheduling policy (`--policy`); wins over `SAGE_SCHEDULING_POLICY` and the file. */
  policy?: string;
  /** Allow a non-loopback host without API keys. */
  insecure?: boolean;
  logger?: Logger;
  /**
   * Aborted during start-up (a Ctrl-C while a preset's engines load): the gateway stops with
   * every engine it started or adopted, and `startGateway` rejects with
   * {@link GatewayStartAbortedError}. No effect once it has resolved.
   */
  signal?: AbortSignal;
  /**
   * Where the gateway's own logger writes (ignored with `logger`): e.g. a pino-pretty stream for
   * a person at a terminal (`sage llm serve`). Default: stdout, asynchronously, as JSON lines.
   */
  logDestination?: DestinationStream;
}

/** A listening gateway. */
export interface RunningGateway {
  /** `http://host:port` (the OpenAI base URL is `${url}/v1`). */
  url: string;
  host: string;
  port: number;
  manager: ControlPlane;
  app: Hono<GatewayEnv>;
  /**
   * The local admin token management routes require (`<stateDir>/admin-token`), sent as
   * `Authorization: Bearer <token>`; undefined with `security.local_token: false`.
   */
  adminToken: string | undefined;
  /**
   * Stop listening, let in-flight requests finish (up to `graceMs`), release connections and —
   * when the gateway made its manager — close the manager, stopping its engines unless
   * `stopEngines` is false (they are then adopted by the next gateway over the same state directory).
   */
  close(options?: { stopEngines?: boolean; graceMs?: number }): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The manager's options: the configuration's, then `extra` (its `scheduling` merged, not replaced). */
function managerOptions(
  config: GatewayConfig,
  logger: Logger,
  extra: Partial<ControlPlaneManagerOptions> = {},
): ControlPlaneManagerOptions {
  const base = toManagerOptions(config, logger);
  return { ...base, ...extra, scheduling: { ...base.scheduling, ...extra.scheduling } };
}

/**
 * Node's HTTP server options from `limits` (docs/security.md): a slow or silent client gets 408
 * and loses its connection after the headers or request timeout; idle keep-alive connections
 * are closed after the keep-alive timeout. Timeouts are checked every `connectionsCheckingInterval`
 * ms (Node's default, 30 s, would let a 10 s timeout run to 40 s), so it follows the shortest one.
 * `requestTimeout` covers receiving the request only: a long answer (a stream) is not cut.
 */
function serverOptions(limits: GatewayConfig['limits']): ServerOptions {
  const shortest = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(shortest / 4))),
  };
}

/** Flush buffered log lines, waiting at most a second. */
function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    timer.unref();
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function listen(
  server: ReturnType<typeof createAdaptorServer>,
  port: number,
  host: string,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Start the gateway: resolve the configuration (options ← environment ← `sage.yaml`), refuse a
 * non-loopback address without API keys (unless `insecure`), start a manager, listen, and apply
 * the start preset (waiting for its engines). This is the only module that imports
 * `@hono/node-server`.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ port: 0, preset: 'local' });
 * const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused' });
 * await gateway.close();
 * ```
 */
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const fileConfig =
    typeof options.config === 'string' ? await loadGatewayConfig(options.config) : options.config;
  const overrides: Partial<GatewayConfig> = {};
  if (options.host !== undefined) overrides.host = options.host;
  if (options.port !== undefined) overrides.port = options.port;
  if (options.insecure !== undefined) overrides.insecure = options.insecure;
  if (options.policy !== undefined) overrides.scheduling = { policy: options.policy };
  const config = resolveGatewayConfig(process.env, fileConfig, overrides);
  if (!isLoopback(config.host) && config.apiKeys.length === 0 && !config.insecure) {
    throw new InsecureBindError(config.host);
  }
  // Asynchronous writes keep logging off the request path; close() flushes them.
  const logger =
    options.logger ??
    pino({ level: config.logLevel }, options.logDestination ?? pino.destination({ dest: 1, sync: false }));
  const ownsManager = options.manager === undefined;
  const manager =
    options.manager ?? new ControlPlaneManager(managerOptions(config, logger, options.managerOptions));
  // Until start-up completes (and again while close() stops engines), a process that exits at
  // once — a second Ctrl-C — takes the engines with it: nobody would stop them otherwise.
  let unguard = ownsManager ? killEnginesOnExit(manager) : () => {};
  const signal = options.signal;
  const abortedStart = async (): Promise<never> => {
    await close();
    throw new GatewayStartAbortedError();
  };
  try {
    await manager.start();
  } catch (error) {
    unguard();
    throw error;
  }
  // After start(): the state directory is locked, so two gateways never race for the file.
  let adminToken: string | null = null;
  try {
    if (config.security.localToken) adminToken = await ensureLocalAdminToken(manager.stateDir, logger);
  } catch (error) {
    unguard();
    if (ownsManager) await manager.close({ stopEngines: false });
    throw error;
  }
  const app = createGateway({ manager, config, logger, adminToken });
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions: serverOptions(config.limits) });
  server.maxConnections = config.limits.maxConnections;
  let closing: Promise<void> | undefined;
  const close = (closeOptions: { stopEngines?: boolean; graceMs?: number } = {}) => {
    closing ??= (async () => {
      const stopEngines = closeOptions.stopEngines ?? true;
      unguard();
      if (stopEngines && ownsManager) unguard = killEnginesOnExit(manager);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      const grace = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, closeOptions.graceMs ?? GATEWAY_DEFAULTS.shutdownGraceMs);
      await closed;
      clearTimeout(grace);
      await closeGateway(app);
      if (ownsManager) await manager.close({ stopEngines });
      unguard();
      logger.info('gateway-closed');
      await flushLogs(logger);
    })();
    return closing;
  };

  let address: AddressInfo;
  try {
    address = await listen(server, config.port, config.host);
  } catch (error) {
    await closeGateway(app);
    unguard();
    // Nothing was started yet; engines adopted from an earlier gateway keep running for the next try.
    if (ownsManager) await manager.close({ stopEngines: false });
    throw error;
  }
  if (signal?.aborted) return abortedStart();
  const running: RunningGateway = {
    url: `http://${urlHost(config.host)}:${address.port}`,
    host: config.host,
    port: address.port,
    manager,
    app,
    adminToken: adminToken ?? undefined,
    close,
  };
  logger.info(
    {
      url: running.url,
      auth: config.apiKeys.length > 0,
      localAdminToken: adminToken ? localAdminTokenPath(manager.stateDir) : null,
    },
    'gateway-listening',
  );

  const preset = options.preset ?? config.preset;
  if (preset !== undefined && preset !== null) {
    const aborted = new Promise<'aborted'>((resolve) => {
      if (signal?.aborted) resolve('aborted');
      signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    let outcome: unknown;
    try {
      outcome = await Promise.race([
        (async () =>
          applyPreset(manager, await resolvePreset(preset), {
            timeoutMs: config.presetTimeoutMs,
            logger,
            // The start preset comes from the operator (sage.yaml, a flag, a built-in).
            trusted: true,
          }))(),
        aborted,
      ]);
    } catch (error) {
      await close();
      throw error;
    }
    if (outcome === 'aborted') return abortedStart();
  }
  if (signal?.aborted) return abortedStart();
  unguard();
  return running;
}

/** SIGKILL the manager's engines if this process exits before removing the guard. */
function killEnginesOnExit(manager: ControlPlane): () => void {
  const kill = () => manager.killEnginesNow();
  process.on('exit', kill);
  return () => process.off('exit', kill);
}

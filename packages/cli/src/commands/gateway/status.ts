import type { GatewayHealthStatus } from '@sage/protocol';
import type { Command } from 'commander';
import { findGateway } from '../../api/find-gateway.js';
import type { HealthWire } from '../../api/management-types.js';
import type { CliContext } from '../../context.js';
import { CliExitError, GatewayUnreachableError } from '../../errors.js';
import { EXIT_CODES } from '../../exit-codes.js';
import { readLiveGateway } from '../../gateway/pid-file.js';
import { gatewayPaths } from '../../gateway/state-directory.js';
import { formatUptime } from '../../output/format.js';
import { type Output, renderFields } from '../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withJson } from '../shared-options.js';

export interface GatewayStatusWire {
  running: boolean;
  /** Started by `sage gateway start` / `sage llm serve` from this state directory. */
  managed: boolean;
  /** `/health` answered (the gateway process serves). */
  healthy: boolean;
  /** What `/health` says: `ok`, `degraded` (some engines not RUNNING) or `unavailable` (none RUNNING). */
  health: GatewayHealthStatus | null;
  url: string;
  pid: number | null;
  host: string | null;
  port: number | null;
  started_at: string | null;
  log_path: string | null;
  engines: number | null;
  engines_running: number | null;
}

/** The gateway line: `ok: 2 of 2 engines RUNNING`, `degraded: …`, `unavailable: no engine RUNNING`. */
function describeHealth(health: HealthWire): string {
  const running = health.engines_running;
  const total =
    health.engines === undefined
      ? undefined
      : Object.values(health.engines).filter((engine) => engine.status !== 'STOPPED').length;
  if (health.status === 'unavailable') return 'unavailable: no engine RUNNING';
  if (running === undefined || total === undefined) return health.status;
  return `${health.status}: ${running} of ${total} engines RUNNING`;
}

/** Engines that keep the gateway from `ok`: `engine-1 FAILED, engine-2 STARTING`. */
function notRunning(health: HealthWire): string | null {
  const engines = Object.entries(health.engines ?? {}).filter(
    ([, engine]) => engine.status !== 'RUNNING' && engine.status !== 'STOPPED',
  );
  return engines.length === 0 ? null : engines.map(([id, engine]) => `${id} ${engine.status}`).join(', ');
}

/**
 * `sage gateway status`: the gateway `findGateway` finds (`--api-base`, the env, the pid file, the default),
 * whether `/health` answers, and how many engines it has. Not running: exit code 3.
 */
export async function gatewayStatus(
  context: CliContext,
  output: Output,
  flags: { apiBase?: string },
  now: () => number = Date.now,
): Promise<GatewayStatusWire> {
  const record = await readLiveGateway(gatewayPaths(context.env).pidFile);
  const { apiBase: url } = await findGateway(flags.apiBase, context.env);
  const client = context.createClient(url);
  let healthy = false;
  let health: HealthWire | null = null;
  let engines: number | null = null;
  try {
    health = await client.health();
    healthy = true;
    engines = (await client.listEngines()).engines.length;
  } catch {
    // not answering (or not letting us list engines): reported below
  } finally {
    await client.close();
  }
  const managed = record !== null && record.url === url;
  const status: GatewayStatusWire = {
    running: healthy || managed,
    managed,
    healthy,
    url,
    pid: managed ? record.pid : null,
    host: managed ? record.host : null,
    port: managed ? record.port : null,
    started_at: managed ? record.startedAt : null,
    log_path: managed ? record.logPath : null,
    engines,
    health: health?.status ?? null,
    engines_running: health?.engines_running ?? null,
  };
  output.result(status, () => {
    if (!status.running) return ''; // the exit hint says it
    const since = status.started_at ? formatUptime((now() - Date.parse(status.started_at)) / 1000) : '-';
    const stuck = health ? notRunning(health) : null;
    return renderFields([
      ['gateway', `${url} ${health ? `(${describeHealth(health)})` : '(not answering /health)'}`],
      ...(stuck ? [['not running', stuck] as [string, string]] : []),
      ['pid', status.pid === null ? 'not started by `sage gateway start`' : String(status.pid)],
      ['uptime', since],
      ['engines', engines === null ? '-' : String(engines)],
      ['log', status.log_path ?? '-'],
    ]);
  });
  if (!healthy && managed) {
    throw new CliExitError(
      EXIT_CODES.gatewayUnreachable,
      `the gateway (pid ${record.pid}) at ${url} does not answer /health: still starting, or stuck; see \`sage gateway logs\``,
    );
  }
  if (!healthy) throw new GatewayUnreachableError(url);
  return status;
}

export function registerGatewayStatus(gateway: Command, context: CliContext): void {
  const command = gateway
    .command('status')
    .description('is the gateway running and healthy? (exit code 3 when not)');
  withJson(withApiBase(command)).action(async (flags: GatewayFlags) => {
    await gatewayStatus(context, outputFor(context, flags), flags);
  });
}

import { DEFAULT_SCHEDULING_POLICY, toWire } from '@sage/protocol';
import { type Command, Option } from 'commander';
import type { CliContext } from '../../context.js';
import { CLI_DEFAULTS, CLI_ENV } from '../../defaults.js';
import { startBackgroundGateway } from '../../gateway/background-gateway.js';
import { runForegroundGateway, validateLaunch } from '../../gateway/foreground-gateway.js';
import {
  foregroundArgs,
  type GatewayStartFlags,
  launchAddress,
  parseGatewayLaunch,
} from '../../gateway/gateway-launch.js';
import type { GatewayPidRecord } from '../../gateway/pid-file.js';
import { wantsPrettyLogs } from '../../gateway/pretty-logs.js';
import type { Output } from '../../output/print.js';
import { withProgress } from '../../output/progress.js';
import { outputFor, withJson } from '../shared-options.js';

/** The JSON form of a gateway record (snake_case, like the REST API). */
function gatewayRecordWire(record: GatewayPidRecord) {
  const { pid, host, port, url, startedAt, logPath } = record;
  return toWire<{
    pid: number;
    host: string;
    port: number;
    url: string;
    started_at: string;
    log_path: string | null;
  }>({ pid, host, port, url, startedAt, logPath });
}

/** Print a started background gateway. */
export function reportStarted(output: Output, record: GatewayPidRecord): void {
  output.result({ running: true, ...gatewayRecordWire(record) }, () =>
    [
      `gateway running on ${record.url} (pid ${record.pid})`,
      `logs: ${record.logPath ?? '-'}  (\`sage gateway logs -f\`)`,
      'stop: `sage gateway stop`',
    ].join('\n'),
  );
}

/**
 * `sage gateway start`: in the background by default (returns once `/health` answers), or in
 * this process with `--foreground` (Ctrl-C stops it and its engines).
 */
async function startGatewayCommand(
  context: CliContext,
  output: Output,
  flags: GatewayStartFlags,
): Promise<void> {
  const launch = parseGatewayLaunch(flags, context.env, context.cwd);
  if (flags.foreground) {
    await runForegroundGateway(context, output, {
      launch,
      logPath: flags.logPath ?? null,
      prettyLogs: wantsPrettyLogs(context.terminal, flags),
    });
    return;
  }
  const address = launchAddress(launch, context.env, await validateLaunch(launch));
  const withPreset = launch.preset !== undefined || launch.presetFile !== undefined;
  const starting = withPreset
    ? `starting a gateway on ${address.host}:${address.port} and its preset's engines…`
    : `starting a gateway on ${address.host}:${address.port}…`;
  const record = await withProgress(output, starting, () =>
    startBackgroundGateway(context, output, {
      args: foregroundArgs(launch),
      timeoutMs: withPreset ? CLI_DEFAULTS.gatewayPresetStartTimeoutMs : CLI_DEFAULTS.gatewayStartTimeoutMs,
    }),
  );
  reportStarted(output, record);
}

/** The `gateway start` flags, shared with `gateway restart`'s help. */
function addGatewayStartOptions(command: Command): Command {
  return command
    .option(
      '--host <host>',
      `address to bind (default: $${CLI_ENV.gatewayHost}, the config's host, or ${CLI_DEFAULTS.gatewayHost})`,
    )
    .option(
      '--port <port>',
      `port to bind, 0 for any (default: $${CLI_ENV.gatewayPort}, the config's port, or ${CLI_DEFAULTS.gatewayPort})`,
    )
    .option(
      '--policy <name>',
      `scheduling policy (default: ${DEFAULT_SCHEDULING_POLICY}; an unknown name lists the registered ones)`,
    )
    .option('--config <file>', 'gateway configuration file (sage.yaml)')
    .option('--preset <name>', 'apply this built-in preset once the gateway listens')
    .option('--preset-file <file>', 'apply this preset file once the gateway listens')
    .option('--insecure', 'allow a non-loopback --host without API keys');
}

export function registerGatewayStart(gateway: Command, context: CliContext): void {
  const command = addGatewayStartOptions(
    gateway.command('start').description('start the gateway (in the background unless --foreground)'),
  )
    .option('--foreground', 'stay attached; Ctrl-C stops the gateway and its engines')
    .addOption(new Option('--log-path <file>').hideHelp());
  withJson(command).action(async (flags: GatewayStartFlags & { json?: boolean }) => {
    await startGatewayCommand(context, outputFor(context, flags), flags);
  });
}

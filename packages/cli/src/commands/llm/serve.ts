import { DEFAULT_PRESET_NAME, getBuiltinPreset, loadPresetFile, type Preset } from '@sage/presets';
import { acceptsTraffic, DEFAULT_SCHEDULING_POLICY, type EngineInfoWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../api/management-types.js';
import type { CliContext } from '../../context.js';
import { CLI_DEFAULTS, CLI_ENV } from '../../defaults.js';
import { runForegroundGateway, validateLaunch } from '../../gateway/foreground-gateway.js';
import { launchAddress, parseGatewayLaunch } from '../../gateway/gateway-launch.js';
import type { GatewayModuleLoader } from '../../gateway/gateway-module.js';
import { wantsPrettyLogs } from '../../gateway/pretty-logs.js';
import { waitUntil } from '../../gateway/wait-until.js';
import type { Output } from '../../output/print.js';
import { withProgress } from '../../output/progress.js';
import { engineTable } from '../../output/tables.js';
import { outputFor, realSleep, type Sleep } from '../shared-options.js';

/** A `--preset` value with a path separator or a preset file extension is a file. */
function isPresetPath(value: string): boolean {
  return /[/\\]/.test(value) || /\.(ya?ml|json)$/i.test(value);
}

/** The curl example `sage llm serve` prints for a chat model. */
export function curlExample(apiBase: string, model: string): string {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] });
  return `curl ${apiBase}/chat/completions -H 'Content-Type: application/json' -d '${body}'`;
}

function presetEnginesOf(engines: EngineInfoWire[], preset: Preset): EngineInfoWire[] {
  return engines.filter((engine) => engine.metadata?.preset === preset.name);
}

/**
 * Wait for a preset's engines (RUNNING, or one FAILED), then print the URL, the engines and a
 * curl example.
 */
export async function announceWhenReady(
  client: ManagementClient,
  output: Output,
  preset: Preset,
  options: { sleep?: Sleep; timeoutMs?: number; pollIntervalMs?: number } = {},
): Promise<EngineInfoWire[]> {
  const waiting = `starting preset ${preset.name}: ${preset.engines.length} engine(s)`;
  const settled = await withProgress(output, waiting, (progress) =>
    waitUntil(
      async () => {
        const engines = presetEnginesOf((await client.listEngines()).engines, preset);
        const failed = engines.some((engine) => engine.status === 'FAILED');
        const running = engines.filter((engine) => acceptsTraffic(engine.status)).length;
        const allRunning = engines.length >= preset.engines.length && running === engines.length;
        // The count ticks on a terminal; a log gets the first line only.
        if (output.interactive) progress.update(`${waiting}, ${running}/${preset.engines.length} RUNNING`);
        return failed || allRunning ? engines : undefined;
      },
      {
        timeoutMs: options.timeoutMs ?? CLI_DEFAULTS.serveReadyTimeoutMs,
        intervalMs: options.pollIntervalMs ?? CLI_DEFAULTS.enginePollIntervalMs,
        sleep: options.sleep ?? realSleep,
      },
    ),
  );
  const engines = settled ?? presetEnginesOf((await client.listEngines()).engines, preset);
  for (const engine of engines.filter((candidate) => candidate.status === 'FAILED')) {
    output.warn(
      `engine ${engine.engine_id} (${engine.model_id}) FAILED: ${engine.last_error ?? 'no error recorded'}`,
    );
  }
  if (settled === undefined)
    output.warn('the engines are not RUNNING yet; watch them with `sage llm engine list`');
  const chatModel =
    engines.find((engine) => engine.engine_kind === 'llm' && acceptsTraffic(engine.status))?.model_id ??
    preset.engines.find((engine) => engine.kind === 'llm')?.model ??
    CLI_DEFAULTS.exampleModel;
  output.note(
    [
      '',
      engineTable(engines),
      '',
      `ready: ${client.apiBase} (preset ${preset.name})`,
      'try:',
      `  ${curlExample(client.apiBase, chatModel)}`,
      `  sage llm chat "Hello!" --api-base ${client.apiBase}`,
      'Ctrl-C stops the gateway and its engines.',
    ].join('\n'),
  );
  return engines;
}

export interface ServeFlags {
  preset?: string;
  host?: string;
  port?: string;
  config?: string;
  policy?: string;
  /** Raw pino JSON logs instead of pino-pretty lines. */
  json?: boolean;
}

/**
 * `sage llm serve [--preset NAME] [--host H] [--port N] [--config FILE] [--policy P]`: the
 * one-command start — a gateway in this process with a preset applied (default `local`), the
 * URL and a curl example once ready.
 */
async function serve(
  context: CliContext,
  output: Output,
  flags: ServeFlags,
  options: { loadGatewayModule?: GatewayModuleLoader } = {},
): Promise<void> {
  const presetFlag = flags.preset ?? DEFAULT_PRESET_NAME;
  const launch = parseGatewayLaunch(
    {
      ...(flags.host === undefined ? {} : { host: flags.host }),
      ...(flags.port === undefined ? {} : { port: flags.port }),
      ...(flags.config === undefined ? {} : { config: flags.config }),
      ...(flags.policy === undefined ? {} : { policy: flags.policy }),
      ...(isPresetPath(presetFlag) ? { presetFile: presetFlag } : { preset: presetFlag }),
    },
    context.env,
    context.cwd,
  );
  const preset = launch.presetFile ? await loadPresetFile(launch.presetFile) : getBuiltinPreset(presetFlag);
  const address = launchAddress(launch, context.env, await validateLaunch(launch, options.loadGatewayModule));
  await runForegroundGateway(context, output, {
    launch,
    progressText:
      `starting a gateway on ${address.host}:${address.port} with preset ${preset.name} ` +
      `(${preset.engines.map((engine) => engine.model).join(', ')}); it answers once the engines are RUNNING…`,
    prettyLogs: wantsPrettyLogs(context.terminal, flags),
    defaultLogLevel: CLI_DEFAULTS.serveLogLevel,
    ...(options.loadGatewayModule ? { loadGatewayModule: options.loadGatewayModule } : {}),
    onReady: async (gateway, apiBase) => {
      const client = context.createClient(apiBase, { apiKey: gateway.adminToken });
      try {
        await announceWhenReady(client, output, preset);
      } finally {
        await client.close();
      }
    },
  });
}

export function registerServe(llm: Command, context: CliContext): void {
  llm
    .command('serve')
    .description('run a gateway here with a preset applied (default: local); Ctrl-C stops everything')
    .option('--preset <name>', `built-in preset name or preset file (default: ${DEFAULT_PRESET_NAME})`)
    .option(
      '--host <host>',
      `address to bind (default: $${CLI_ENV.gatewayHost}, the config's host, or ${CLI_DEFAULTS.gatewayHost})`,
    )
    .option(
      '--port <port>',
      `gateway port (default: $${CLI_ENV.gatewayPort}, the config's port, or ${CLI_DEFAULTS.gatewayPort})`,
    )
    .option('--config <file>', 'gateway configuration file (sage.yaml)')
    .option(
      '--policy <name>',
      `scheduling policy (default: ${DEFAULT_SCHEDULING_POLICY}; an unknown name lists the registered ones)`,
    )
    .option('--json', "log the gateway's pino JSON lines (default on a terminal: readable, coloured lines)")
    .action(async (flags: ServeFlags) => {
      await serve(context, outputFor(context, {}), flags);
    });
}

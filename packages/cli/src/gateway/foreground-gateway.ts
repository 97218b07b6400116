import { mkdir } from 'node:fs/promises';
import { getBuiltinPreset, loadPresetFile, type Preset } from '@sage/presets';
import { apiBaseFor } from '../api/api-base.js';
import type { CliContext } from '../context.js';
import { CliExitError, usageError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { Output } from '../output/print.js';
import { withProgress } from '../output/progress.js';
import { foregroundArgs, type GatewayLaunch } from './gateway-launch.js';
import {
  type GatewayModule,
  type GatewayModuleLoader,
  loadGatewayModule,
  type StartedGateway,
} from './gateway-module.js';
import { readLiveGateway, removePidFile, writePidFile } from './pid-file.js';
import { prettyLogDestination } from './pretty-logs.js';
import { gatewayPaths } from './state-directory.js';

/**
 * Signals a foreground gateway handles. SIGINT (Ctrl-C) and SIGTERM stop the gateway and its
 * engines; SIGUSR2 (what `sage gateway stop --keep-engines` sends) stops the gateway only.
 */
const STOP_SIGNALS = { stopEngines: ['SIGINT', 'SIGTERM'], keepEngines: ['SIGUSR2'] } as const;

/** What `sage gateway stop` sends: stop the gateway and its engines. */
export const STOP_SIGNAL: NodeJS.Signals = 'SIGTERM';
/** What `sage gateway stop --keep-engines` sends: stop the gateway only. */
export const KEEP_ENGINES_SIGNAL: NodeJS.Signals = 'SIGUSR2';

export interface ForegroundGatewayOptions {
  launch: GatewayLaunch;
  /** The log file a background parent sends this process's output to (recorded in the pid file). */
  logPath?: string | null;
  /** Runs once the gateway listens (e.g. `sage llm serve` waits for its engines and prints a curl example). */
  onReady?: (gateway: StartedGateway, apiBase: string) => Promise<void>;
  loadGatewayModule?: GatewayModuleLoader;
  /**
   * The gateway's log level when neither `SAGE_LOG_LEVEL` nor a config file sets one
   * (`sage llm serve` passes `warn`, so its own lines stay readable).
   */
  defaultLogLevel?: string;
  /** Log readable lines (pino-pretty) instead of JSON: a person at a terminal, no `--json`. */
  prettyLogs?: boolean;
  /** Shown with a spinner and the time elapsed until the gateway listens (a plain line when not on a terminal). */
  progressText?: string;
}

/** The preset named by the launch, validated here so a typo fails before anything starts. */
async function presetOf(launch: GatewayLaunch): Promise<Preset | undefined> {
  if (launch.presetFile !== undefined) {
    try {
      return await loadPresetFile(launch.presetFile);
    } catch (error) {
      throw missingFileAsUsage(error, '--preset-file', launch.presetFile);
    }
  }
  if (launch.preset !== undefined) return getBuiltinPreset(launch.preset);
  return undefined;
}

/** A file that does not exist is a usage error naming the flag; other errors pass through. */
function missingFileAsUsage(error: unknown, flag: string, path: string): unknown {
  return (error as { code?: unknown } | null)?.code === 'ENOENT'
    ? usageError(`${flag}: no such file: ${path}`)
    : error;
}

/**
 * `--policy` against the control plane's registry (the flag's form was checked already): an
 * unknown name is a usage error listing the registered ones.
 */
function checkPolicy(launch: GatewayLaunch, module: Pick<GatewayModule, 'schedulingPolicyNames'>): void {
  if (launch.policy === undefined || module.schedulingPolicyNames.includes(launch.policy)) return;
  throw usageError(
    `--policy: no scheduling policy '${launch.policy}' (available: ${module.schedulingPolicyNames.join(', ')})`,
  );
}

/**
 * Check the launch's preset, policy and `sage.yaml` before a background gateway is spawned, so
 * a typo is a usage error here (exit code 2) rather than a line in the gateway's log. Returns the
 * file's `host`/`port` (for the progress line), or nothing without `--config`.
 */
export async function validateLaunch(
  launch: GatewayLaunch,
  load: GatewayModuleLoader = loadGatewayModule,
): Promise<{ host?: string; port?: number }> {
  await presetOf(launch);
  if (launch.config === undefined && launch.policy === undefined) return {};
  const module = await load();
  checkPolicy(launch, module);
  if (launch.config === undefined) return {};
  try {
    const file = await module.loadGatewayConfig(launch.config);
    return {
      ...(file.host === undefined ? {} : { host: file.host }),
      ...(file.port === undefined ? {} : { port: file.port }),
    };
  } catch (error) {
    throw missingFileAsUsage(error, '--config', launch.config);
  }
}

/**
 * What `startGateway` gets as `config`: the `sage.yaml` path; or, for a default log level, the
 * configuration (the file's, else the defaults) with that level unless the file sets another —
 * the environment still wins over both.
 */
async function configOf(
  launch: GatewayLaunch,
  options: ForegroundGatewayOptions,
  module: GatewayModule,
): Promise<{ config?: string | Record<string, unknown> }> {
  if (options.defaultLogLevel === undefined)
    return launch.config === undefined ? {} : { config: launch.config };
  const defaults = module.defaultGatewayConfig();
  let base: Record<string, unknown> = defaults;
  if (launch.config !== undefined) {
    try {
      base = { ...(await module.loadGatewayConfig(launch.config)) };
    } catch (error) {
      throw missingFileAsUsage(error, '--config', launch.config);
    }
  }
  const fileSetsLevel = base.logLevel !== undefined && base.logLevel !== defaults.logLevel;
  return { config: fileSetsLevel ? base : { ...base, logLevel: options.defaultLogLevel } };
}

/**
 * `stopped` resolves with whether to stop engines once a stop signal arrives; `forced` rejects
 * when a second one arrives while the gateway is still closing.
 */
function waitForStopSignal(context: CliContext, output: Output) {
  let resolveStop: (stopEngines: boolean) => void = () => {};
  let rejectForced: (error: Error) => void = () => {};
  const stopped = new Promise<boolean>((resolve) => {
    resolveStop = resolve;
  });
  const forced = new Promise<never>((_resolve, reject) => {
    rejectForced = reject;
  });
  forced.catch(() => {});
  let stopping = false;
  const handlerFor = (signal: NodeJS.Signals, stopEngines: boolean) => () => {
    if (stopping) {
      rejectForced(
        new CliExitError(EXIT_CODES.failed, `${signal} again: exiting without waiting for engines`),
      );
      return;
    }
    stopping = true;
    output.note(
      stopEngines
        ? `${signal}: stopping the gateway and its engines (again to force)…`
        : `${signal}: stopping the gateway; engines keep running…`,
    );
    resolveStop(stopEngines);
  };
  const unsubscribers = [
    ...STOP_SIGNALS.stopEngines.map((signal) => context.onSignal(signal, handlerFor(signal, true))),
    ...STOP_SIGNALS.keepEngines.map((signal) => context.onSignal(signal, handlerFor(signal, false))),
  ];
  return {
    stopped,
    forced,
    unsubscribe: () => {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}

/**
 * Run a gateway in this process until SIGINT/SIGTERM (engines stopped) or SIGUSR2 (engines
 * kept): `sage gateway start --foreground` and `sage llm serve`. The pid file records it while
 * it runs, so `sage gateway stop|status` work for it too.
 */
export async function runForegroundGateway(
  context: CliContext,
  output: Output,
  options: ForegroundGatewayOptions,
): Promise<void> {
  const { launch } = options;
  const paths = gatewayPaths(context.env);
  await mkdir(paths.stateDirectory, { recursive: true });
  const running = await readLiveGateway(paths.pidFile);
  if (running !== null && running.pid !== process.pid) {
    throw new CliExitError(
      EXIT_CODES.failed,
      `a gateway is already running from ${paths.stateDirectory} (pid ${running.pid}, ${running.url}); ` +
        'stop it with `sage gateway stop` or set another SAGE_HOME',
    );
  }
  const preset = await presetOf(launch);
  const signals = waitForStopSignal(context, output);
  // Ctrl-C while the gateway starts (a preset may take minutes) stops it and every engine it
  // started; a second one exits at once, and the gateway SIGKILLs its engines on the way out.
  const startUp = new AbortController();
  void signals.stopped.then(() => startUp.abort());
  try {
    const module = await (options.loadGatewayModule ?? loadGatewayModule)();
    checkPolicy(launch, module);
    const starting = module.startGateway({
      signal: startUp.signal,
      ...(launch.host === undefined ? {} : { host: launch.host }),
      ...(launch.port === undefined ? {} : { port: launch.port }),
      ...(await configOf(launch, options, module)),
      ...(preset === undefined ? {} : { preset: { ...preset } }),
      insecure: launch.insecure,
      ...(launch.policy === undefined ? {} : { policy: launch.policy }),
      ...(options.prettyLogs === true ? { logDestination: await prettyLogDestination() } : {}),
    });
    let gateway: StartedGateway;
    try {
      const started = () => Promise.race([starting, signals.forced]);
      gateway =
        options.progressText === undefined
          ? await started()
          : await withProgress(output, options.progressText, started);
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name !== 'GatewayStartAbortedError') throw error;
      output.note('stopped during start-up: gateway and engines stopped');
      return;
    }
    const apiBase = apiBaseFor(gateway.host, gateway.port);
    await writePidFile(paths.pidFile, {
      pid: process.pid,
      host: gateway.host,
      port: gateway.port,
      url: apiBase,
      startedAt: new Date().toISOString(),
      args: foregroundArgs(launch.port === 0 ? { ...launch, port: gateway.port } : launch),
      logPath: options.logPath ?? null,
    });
    output.note(`gateway listening on ${apiBase} (pid ${process.pid}); Ctrl-C stops it and its engines`);
    if (preset !== undefined)
      output.note(`preset ${preset.name}: ${preset.engines.length} engine(s) RUNNING`);
    options.onReady?.(gateway, apiBase).catch((error: unknown) => {
      output.warn(`sage: ${error instanceof Error ? error.message : String(error)}`);
    });
    const stopEngines = await signals.stopped;
    try {
      await Promise.race([gateway.close({ stopEngines }), signals.forced]);
    } finally {
      await removePidFile(paths.pidFile, process.pid);
    }
    output.note(stopEngines ? 'gateway and engines stopped' : 'gateway stopped; engines still running');
  } finally {
    signals.unsubscribe();
  }
}

import { isAbsolute, resolve } from 'node:path';
import { CLI_DEFAULTS, CLI_ENV } from '../defaults.js';
import { usageError } from '../errors.js';
import { GatewayPortFlag, HostFlag, PolicyFlag, parseFlag, parseOptionalFlag } from '../input/flags.js';

/** `sage gateway start` flags as commander hands them over. */
export interface GatewayStartFlags {
  host?: string;
  port?: string;
  policy?: string;
  config?: string;
  preset?: string;
  presetFile?: string;
  insecure?: boolean;
  foreground?: boolean;
  /** Hidden: where the background parent sends this process's output (recorded in the pid file). */
  logPath?: string;
}

/**
 * A validated gateway start: what `startGateway()` gets and what `restart` repeats. `host` and
 * `port` are set only by `--host`/`--port`: the gateway itself layers defaults ← `sage.yaml` ←
 * `SAGE_GATEWAY_HOST`/`_PORT` ← these, so a file's `host:`/`port:` is not overridden by a default.
 */
export interface GatewayLaunch {
  host?: string;
  port?: number;
  policy?: string;
  /** Absolute path of `sage.yaml`. */
  config?: string;
  /** Built-in preset name. */
  preset?: string;
  /** Absolute path of a preset file. */
  presetFile?: string;
  insecure: boolean;
}

/**
 * Validate `sage gateway start` flags. `SAGE_GATEWAY_HOST`/`_PORT` are checked here (a bad value
 * is a usage error naming the variable) but applied by the gateway, over `sage.yaml`. File
 * paths become absolute (a background gateway may resolve them later).
 */
export function parseGatewayLaunch(
  flags: GatewayStartFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): GatewayLaunch {
  if (flags.preset !== undefined && flags.presetFile !== undefined) {
    throw usageError('give --preset or --preset-file, not both');
  }
  const envHost = env[CLI_ENV.gatewayHost];
  if (envHost) parseFlag(CLI_ENV.gatewayHost, HostFlag, envHost);
  const envPort = env[CLI_ENV.gatewayPort];
  if (envPort) parseFlag(CLI_ENV.gatewayPort, GatewayPortFlag, envPort);
  const launch: GatewayLaunch = { insecure: flags.insecure === true };
  const host = parseOptionalFlag('--host', HostFlag, flags.host);
  if (host !== undefined) launch.host = host;
  const port = parseOptionalFlag('--port', GatewayPortFlag, flags.port);
  if (port !== undefined) launch.port = port;
  const policy = parseOptionalFlag('--policy', PolicyFlag, flags.policy);
  if (policy !== undefined) launch.policy = policy;
  if (flags.config !== undefined) launch.config = absolute(cwd, flags.config);
  if (flags.preset !== undefined) launch.preset = flags.preset;
  if (flags.presetFile !== undefined) launch.presetFile = absolute(cwd, flags.presetFile);
  return launch;
}

/**
 * The address a launch will bind, as the gateway decides it: `--host`/`--port`, else
 * `SAGE_GATEWAY_HOST`/`_PORT`, else `sage.yaml`'s `host:`/`port:` (`fileAddress`), else
 * 127.0.0.1:8889. For progress lines; the pid file records the real one.
 */
export function launchAddress(
  launch: GatewayLaunch,
  env: NodeJS.ProcessEnv,
  fileAddress: { host?: string; port?: number } = {},
): { host: string; port: number } {
  const envPort = env[CLI_ENV.gatewayPort];
  return {
    host: launch.host ?? (env[CLI_ENV.gatewayHost] || fileAddress.host || CLI_DEFAULTS.gatewayHost),
    port: launch.port ?? (envPort ? Number(envPort) : (fileAddress.port ?? CLI_DEFAULTS.gatewayPort)),
  };
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The `sage` arguments of the foreground gateway that serves `launch`. */
export function foregroundArgs(launch: GatewayLaunch): string[] {
  const args = ['gateway', 'start', '--foreground'];
  if (launch.host !== undefined) args.push('--host', launch.host);
  if (launch.port !== undefined) args.push('--port', String(launch.port));
  if (launch.policy !== undefined) args.push('--policy', launch.policy);
  if (launch.config !== undefined) args.push('--config', launch.config);
  if (launch.preset !== undefined) args.push('--preset', launch.preset);
  if (launch.presetFile !== undefined) args.push('--preset-file', launch.presetFile);
  if (launch.insecure) args.push('--insecure');
  return args;
}

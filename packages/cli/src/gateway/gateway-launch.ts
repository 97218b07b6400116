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

/** A validated gateway start: what `startGateway()` gets and what `restart` repeats. */
export interface GatewayLaunch {
  host: string;
  port: number;
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
 * Validate `sage gateway start` flags; `--host`/`--port` default to `SAGE_GATEWAY_HOST`/`_PORT`,
 * then 127.0.0.1:8889. File paths become absolute (a background gateway may resolve them later).
 */
export function parseGatewayLaunch(
  flags: GatewayStartFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
): GatewayLaunch {
  if (flags.preset !== undefined && flags.presetFile !== undefined) {
    throw usageError('give --preset or --preset-file, not both');
  }
  const hostText = flags.host ?? (env[CLI_ENV.gatewayHost] || CLI_DEFAULTS.gatewayHost);
  const portText = flags.port ?? (env[CLI_ENV.gatewayPort] || String(CLI_DEFAULTS.gatewayPort));
  const launch: GatewayLaunch = {
    host: parseFlag(flags.host === undefined ? CLI_ENV.gatewayHost : '--host', HostFlag, hostText),
    port: parseFlag(flags.port === undefined ? CLI_ENV.gatewayPort : '--port', GatewayPortFlag, portText),
    insecure: flags.insecure === true,
  };
  const policy = parseOptionalFlag('--policy', PolicyFlag, flags.policy);
  if (policy !== undefined) launch.policy = policy;
  if (flags.config !== undefined) launch.config = absolute(cwd, flags.config);
  if (flags.preset !== undefined) launch.preset = flags.preset;
  if (flags.presetFile !== undefined) launch.presetFile = absolute(cwd, flags.presetFile);
  return launch;
}

function absolute(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The `sage` arguments of the foreground gateway that serves `launch`. */
export function foregroundArgs(launch: GatewayLaunch): string[] {
  const args = ['gateway', 'start', '--foreground', '--host', launch.host, '--port', String(launch.port)];
  if (launch.policy !== undefined) args.push('--policy', launch.policy);
  if (launch.config !== undefined) args.push('--config', launch.config);
  if (launch.preset !== undefined) args.push('--preset', launch.preset);
  if (launch.presetFile !== undefined) args.push('--preset-file', launch.presetFile);
  if (launch.insecure) args.push('--insecure');
  return args;
}

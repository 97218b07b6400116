import { CLI_DEFAULTS, CLI_ENV } from '../defaults.js';
import { readLiveGateway } from '../gateway/pid-file.js';
import { gatewayPaths } from '../gateway/state-directory.js';
import { ApiBaseFlag, parseFlag } from '../input/flags.js';

/** Where a gateway's address came from, in the order they are tried. */
export type GatewayAddressSource = 'flag' | 'env' | 'pid-file' | 'default';

export interface GatewayAddress {
  /** `http://host:port/v1`, no trailing slash. */
  apiBase: string;
  source: GatewayAddressSource;
}

/**
 * The one discovery order of every command that talks to a gateway: `--api-base`, then
 * `SAGE_CONTROL_PLANE_URL`, then the live gateway recorded in `$SAGE_HOME/gateway.pid` (what
 * `sage gateway start` and `sage llm serve` write, whatever port they got), then
 * `http://127.0.0.1:8889/v1`. A pid file whose process is gone is ignored (and removed).
 *
 * @example
 * ```ts
 * await findGateway(undefined, { SAGE_HOME: '/srv/sage' }); // { apiBase: 'http://127.0.0.1:40123/v1', source: 'pid-file' }
 * ```
 */
export async function findGateway(
  flagValue: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<GatewayAddress> {
  if (flagValue !== undefined)
    return { apiBase: parseFlag('--api-base', ApiBaseFlag, flagValue), source: 'flag' };
  const fromEnv = env[CLI_ENV.controlPlaneUrl];
  if (fromEnv) return { apiBase: parseFlag(CLI_ENV.controlPlaneUrl, ApiBaseFlag, fromEnv), source: 'env' };
  const record = await readLiveGateway(gatewayPaths(env).pidFile);
  if (record !== null) return { apiBase: record.url, source: 'pid-file' };
  return { apiBase: CLI_DEFAULTS.apiBase, source: 'default' };
}

import { CLI_DEFAULTS, CLI_ENV } from '../defaults.js';
import { ApiBaseFlag, parseFlag } from '../input/flags.js';

/** Where a gateway's routes live, derived from its API base (`http://host:port/v1`). */
export interface GatewayUrls {
  /** The API base, without a trailing slash: `http://127.0.0.1:8889/v1`. */
  apiBase: string;
  /** `…/v1/management`. */
  management: string;
  /** `/health` beside the API base: `http://127.0.0.1:8889/health`. */
  health: string;
}

/**
 * The API base from `--api-base`, else `SAGE_CONTROL_PLANE_URL`, else the default, validated.
 *
 * @example
 * ```ts
 * resolveApiBase(undefined, {}); // 'http://127.0.0.1:8889/v1'
 * ```
 */
export function resolveApiBase(flagValue: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flagValue !== undefined) return parseFlag('--api-base', ApiBaseFlag, flagValue);
  const fromEnv = env[CLI_ENV.controlPlaneUrl];
  if (fromEnv) return parseFlag(CLI_ENV.controlPlaneUrl, ApiBaseFlag, fromEnv);
  return CLI_DEFAULTS.apiBase;
}

/** The management and health URLs of a gateway, given its API base. */
export function gatewayUrls(apiBase: string): GatewayUrls {
  const base = apiBase.replace(/\/+$/, '');
  const root = base.replace(/\/v1$/, '');
  return { apiBase: base, management: `${base}/management`, health: `${root}/health` };
}

/** The API base of a gateway listening on `host:port` (a wildcard address is reached on loopback). */
export function apiBaseFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const hostPart = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${hostPart}:${port}/v1`;
}

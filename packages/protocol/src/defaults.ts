/**
 * Cross-package defaults (SPEC section 5). CLI help, docs and tests import these constants
 * instead of repeating literals.
 */

/** Default gateway bind host (`SAGE_GATEWAY_HOST`). Loopback: the gateway is private unless told otherwise. */
export const DEFAULT_GATEWAY_HOST = '127.0.0.1';
/** Default gateway port (`SAGE_GATEWAY_PORT`). */
export const DEFAULT_GATEWAY_PORT = 8889;
/** Default base URL of a control plane, used by the client and CLI when `SAGE_CONTROL_PLANE_URL` is unset. */
export const DEFAULT_CONTROL_PLANE_URL = `http://${DEFAULT_GATEWAY_HOST}:${DEFAULT_GATEWAY_PORT}/v1`;

/** Ports an engine of each kind prefers, in order, before the fallback range. */
export const PREFERRED_ENGINE_PORTS = {
  llm: [8001, 8002, 8901],
  embedding: [8090, 8091],
} as const;
/** Inclusive fallback range for engine ports. */
export const FALLBACK_ENGINE_PORT_RANGE = { start: 8900, end: 8999 } as const;

/** Environment variables read across packages. */
export const ENV = {
  gatewayHost: 'SAGE_GATEWAY_HOST',
  gatewayPort: 'SAGE_GATEWAY_PORT',
  controlPlaneUrl: 'SAGE_CONTROL_PLANE_URL',
  home: 'SAGE_HOME',
  disableNvml: 'SAGE_DISABLE_NVML',
  gpuMockCount: 'SAGE_GPU_MOCK_COUNT',
  gpuMockMemoryGb: 'SAGE_GPU_MOCK_MEMORY_GB',
  schedulingPolicy: 'SAGE_SCHEDULING_POLICY',
  apiKeys: 'SAGE_API_KEYS',
  /** The key a client (library or CLI) sends as `Authorization: Bearer <key>`. */
  apiKey: 'SAGE_API_KEY',
  logLevel: 'SAGE_LOG_LEVEL',
  /** Gateway limits (`limits:` in sage.yaml, docs/security.md). */
  maxConnections: 'SAGE_MAX_CONNECTIONS',
  headersTimeoutMs: 'SAGE_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'SAGE_REQUEST_TIMEOUT_MS',
  keepAliveTimeoutMs: 'SAGE_KEEP_ALIVE_TIMEOUT_MS',
  maxJsonDepth: 'SAGE_MAX_JSON_DEPTH',
} as const;

/** The state directory's name in the home folder when `SAGE_HOME` is unset. */
export const DEFAULT_STATE_DIR_NAME = '.sage';

/**
 * The one state-directory rule, shared by the gateway, the CLI, the client and the engine:
 * `SAGE_HOME` when set and not empty, else `~/.sage`. Pure: the caller passes `os.homedir()`.
 *
 * @example
 * ```ts
 * resolveStateDir(process.env, homedir()); // '/home/me/.sage' without SAGE_HOME
 * ```
 */
export function resolveStateDir(
  env: Readonly<Record<string, string | undefined>>,
  homeDirectory: string,
): string {
  return env[ENV.home] || `${homeDirectory.replace(/\/+$/, '')}/${DEFAULT_STATE_DIR_NAME}`;
}

/**
 * The local admin token's file in the state directory (`$SAGE_HOME/admin-token`, mode 0600):
 * created by the gateway at its first start, read by the CLI and embedded mode, required on
 * management routes (docs/security.md).
 */
export const LOCAL_ADMIN_TOKEN_FILE = 'admin-token';
/** Every local admin token starts with this, so logs and secret scanners can recognise one. */
export const LOCAL_ADMIN_TOKEN_PREFIX = 'sage-local-';

/** Default number of mock GPUs when `SAGE_GPU_MOCK_COUNT` is unset. */
export const DEFAULT_GPU_MOCK_COUNT = 0;
/** Default memory (GB) of each mock GPU when `SAGE_GPU_MOCK_MEMORY_GB` is unset. */
export const DEFAULT_GPU_MOCK_MEMORY_GB = 24;

/** Request priorities, highest first. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low', 'background'] as const;
export const DEFAULT_PRIORITY: (typeof PRIORITIES)[number] = 'normal';

/**
 * The scheduling policy a control plane starts with (SPEC section 7). Which policies exist is the
 * control plane's registry's business (`schedulingPolicyNames` in `@sage/control-plane`).
 */
export const DEFAULT_SCHEDULING_POLICY = 'adaptive';

/** Request/response header names (lower-case, as HTTP libraries normalise them). */
export const HEADERS = {
  requestId: 'x-request-id',
  priority: 'x-request-priority',
  sloDeadlineMs: 'x-slo-deadline-ms',
  schedulingPolicy: 'x-scheduling-policy',
  errorSource: 'x-sage-error-source',
  engineId: 'x-sage-engine-id',
  /** Request header: `1` asks for the scheduling decision in the `X-Sage-Schedule` response header. */
  explainSchedule: 'x-sage-explain-schedule',
  /** Response header (opt-in): the chosen engine, policy, reason and winning scores. */
  schedule: 'x-sage-schedule',
} as const;

/** Default `max_concurrent_requests` of an engine. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 256;

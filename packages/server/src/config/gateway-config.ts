import type { ControlPlaneManagerOptions, CustomBackendOptions, ExecutorSection } from '@sage/control-plane';
import type { CatalogGroupWire, CatalogModelWire } from '@sage/protocol';
import type { GatewayLogLevel } from './gateway-config-schema.js';

/** One API key the gateway accepts. */
export interface GatewayApiKey {
  key: string;
  /** Shown in logs instead of the key. */
  name?: string | undefined;
  /** Admin keys may also call `/v1/management/*`. */
  admin: boolean;
}

/** Scheduler settings, passed to the manager's `scheduling` option. */
export interface GatewaySchedulingConfig {
  policy?: string | undefined;
  queueCapacity?: number | undefined;
  queueTimeoutMs?: number | undefined;
  /** Per-policy parameters keyed by policy name. */
  parameters?: Readonly<Record<string, unknown>> | undefined;
}

/** Health-check and restart settings of the manager, plus the gateway's request-failure threshold. */
export interface GatewayHealthConfig {
  intervalMs?: number | undefined;
  timeoutMs?: number | undefined;
  consecutiveFailuresThreshold?: number | undefined;
  autoRestart?: boolean | undefined;
  maxRestartAttempts?: number | undefined;
  restartBackoffBaseMs?: number | undefined;
  restartBackoffMaxMs?: number | undefined;
  restartResetAfterMs?: number | undefined;
  readinessPollMs?: number | undefined;
  startupTimeoutMs?: number | undefined;
  stopTimeoutMs?: number | undefined;
  /** Milliseconds between two samples of engine processes (frozen? past the memory cap?). */
  processSampleIntervalMs?: number | undefined;
  drainTimeoutMs?: number | undefined;
  /** Consecutive server-side request failures that mark a RUNNING engine UNHEALTHY. */
  requestFailureThreshold: number;
}

/** How the gateway forwards requests to engines. */
export interface GatewayProxyConfig {
  /** Engines tried per request: the first try plus failovers. */
  maxAttempts: number;
  keepAliveTimeoutMs: number;
  connectionsPerEngine: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** `Retry-After` seconds on 429 and 503. */
  retryAfterSeconds: number;
}

/** Limits of the gateway's own HTTP server and request parsing (docs/security.md). */
export interface GatewayLimitsConfig {
  /** Deepest nesting of objects and arrays in a JSON request body (400 above it). */
  maxJsonDepth: number;
  /** Time a client has to send a request's headers (408 after it). */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, body included (408 after it). */
  requestTimeoutMs: number;
  /** Idle keep-alive client connections are closed after this long. */
  keepAliveTimeoutMs: number;
  /** Most client connections open at once; further ones are closed as they arrive. */
  maxConnections: number;
}

/** Who may call the management API without API keys (docs/security.md). */
export interface GatewaySecurityConfig {
  /**
   * Require the local admin token (`<stateDir>/admin-token`, created at the first start) on
   * management routes. It is accepted as an admin key when API keys are configured, too.
   */
  localToken: boolean;
  /** Host names management requests may carry without API keys, besides loopback names. */
  allowedHosts: string[];
}

/** What requests may put on engine command lines, and what engines inherit (docs/security.md). */
export interface GatewayEnginesConfig {
  /** Flags a start request's `extra_args` may pass, keyed by backend name (kept as written). */
  allowedExtraArgs: Record<string, string[]>;
  /** Directories a model path may lie under; undefined: `<stateDir>/models`. */
  modelDirs?: string[] | undefined;
  /** The hub (or mirror) `hf:` references are pulled from; undefined: `HF_ENDPOINT`, else huggingface.co. */
  hubEndpoint?: string | undefined;
  /** Variables engines inherit beyond the built-in allow-list (names, or `PREFIX_*`). */
  passEnv: string[];
  /** Resident memory (MB) one engine's process tree may hold; undefined: no cap. */
  memoryCapMb?: number | undefined;
}

/** Timings of on-demand models (`model_loading:` in sage.yaml); unset: the control plane's defaults. */
export type GatewayModelLoadingConfig = Omit<
  NonNullable<ControlPlaneManagerOptions['catalog']>,
  'models' | 'groups' | 'placementPollMs' | 'sleepTimeoutMs'
>;

/**
 * The gateway's resolved configuration (camelCase): defaults ← `sage.yaml` ← environment ←
 * explicit overrides. Build it with {@link resolveGatewayConfig}.
 */
export interface GatewayConfig {
  host: string;
  /** 0 = an ephemeral port chosen by the OS. */
  port: number;
  /** Allow a non-loopback host without API keys. */
  insecure: boolean;
  /** Empty: no authentication. */
  apiKeys: GatewayApiKey[];
  /** Empty: no CORS headers at all. */
  corsOrigins: string[];
  security: GatewaySecurityConfig;
  bodyLimitBytes: number;
  limits: GatewayLimitsConfig;
  /** State directory of the manager (`SAGE_HOME`, else `~/.sage`). */
  stateDir?: string | undefined;
  logLevel: GatewayLogLevel;
  scheduling: GatewaySchedulingConfig;
  health: GatewayHealthConfig;
  proxy: GatewayProxyConfig;
  /** Custom engine backends, as `createCustomBackend` takes them. Never from the HTTP API. */
  backends: CustomBackendOptions[];
  engines: GatewayEnginesConfig;
  /** The model catalog (`models:`, snake_case as written): operator-trusted, from the file only. */
  models: CatalogModelWire[];
  /** `model_groups:` (snake_case as written): models that run together, or never together. */
  modelGroups: CatalogGroupWire[];
  modelLoading: GatewayModelLoadingConfig;
  /** `executor:` as written (snake_case): where engines run; absent: local processes. */
  executor?: ExecutorSection | undefined;
  /** A preset to apply at start: a built-in name or a file path. */
  preset?: string | null | undefined;
  /** How long the start preset may take to become ready. */
  presetTimeoutMs: number;
}

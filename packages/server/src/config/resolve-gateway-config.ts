import {
  DEFAULT_GATEWAY_HOST,
  DEFAULT_GATEWAY_PORT,
  ENV,
  fromWire,
  parseOrThrow,
  ValidationError,
} from '@sage/protocol';
import { z } from 'zod';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import type { GatewayApiKey, GatewayConfig } from './gateway-config.js';
import { GATEWAY_LOG_LEVELS, type GatewayConfigFile } from './gateway-config-schema.js';

/** The gateway's configuration before any file, environment variable or override. */
export function defaultGatewayConfig(): GatewayConfig {
  return {
    host: DEFAULT_GATEWAY_HOST,
    port: DEFAULT_GATEWAY_PORT,
    insecure: false,
    apiKeys: [],
    corsOrigins: [],
    security: { localToken: GATEWAY_DEFAULTS.localAdminToken, allowedHosts: [] },
    bodyLimitBytes: GATEWAY_DEFAULTS.bodyLimitBytes,
    limits: {
      maxJsonDepth: GATEWAY_DEFAULTS.maxJsonDepth,
      headersTimeoutMs: GATEWAY_DEFAULTS.clientHeadersTimeoutMs,
      requestTimeoutMs: GATEWAY_DEFAULTS.clientRequestTimeoutMs,
      keepAliveTimeoutMs: GATEWAY_DEFAULTS.clientKeepAliveTimeoutMs,
      maxConnections: GATEWAY_DEFAULTS.maxConnections,
    },
    logLevel: GATEWAY_DEFAULTS.logLevel,
    scheduling: {},
    health: { requestFailureThreshold: GATEWAY_DEFAULTS.requestFailureThreshold },
    proxy: {
      maxAttempts: GATEWAY_DEFAULTS.maxAttempts,
      keepAliveTimeoutMs: GATEWAY_DEFAULTS.keepAliveTimeoutMs,
      connectionsPerEngine: GATEWAY_DEFAULTS.connectionsPerEngine,
      headersTimeoutMs: GATEWAY_DEFAULTS.headersTimeoutMs,
      bodyTimeoutMs: GATEWAY_DEFAULTS.bodyTimeoutMs,
      retryAfterSeconds: GATEWAY_DEFAULTS.retryAfterSeconds,
    },
    backends: [],
    engines: { allowedExtraArgs: {}, passEnv: [] },
    models: [],
    modelGroups: [],
    modelLoading: {},
    presetTimeoutMs: GATEWAY_DEFAULTS.readyTimeoutMs,
  };
}

/**
 * Fields of `sage.yaml` kept as written: catalog models (the control plane validates them in
 * their wire form), `engines.allowed_extra_args` (keyed by backend names, which are the user's)
 * and `executor` (the executor parses its own section).
 */
const VERBATIM_FIELDS = ['models', 'model_groups', 'allowed_extra_args', 'executor'] as const;

/** A parsed `sage.yaml` in TypeScript form (camelCase). */
export function fromConfigFile(file: GatewayConfigFile): Partial<GatewayConfig> {
  return fromWire<Partial<GatewayConfig>>(file, { opaque: VERBATIM_FIELDS });
}

const positiveIntegerText = z
  .string()
  .regex(/^\d+$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.int().positive())
  .optional();

/** `limits` fields and the environment variable that sets each. */
const LIMIT_VARIABLES = [
  ['maxConnections', ENV.maxConnections],
  ['headersTimeoutMs', ENV.headersTimeoutMs],
  ['requestTimeoutMs', ENV.requestTimeoutMs],
  ['keepAliveTimeoutMs', ENV.keepAliveTimeoutMs],
  ['maxJsonDepth', ENV.maxJsonDepth],
] as const;

const EnvironmentSchema = z.object({
  ...Object.fromEntries(LIMIT_VARIABLES.map(([, name]) => [name, positiveIntegerText])),
  [ENV.gatewayHost]: z.string().min(1).optional(),
  [ENV.gatewayPort]: z
    .string()
    .regex(/^\d+$/, 'must be a port number')
    .transform(Number)
    .pipe(z.int().max(65535))
    .optional(),
  [ENV.apiKeys]: z.string().optional(),
  [ENV.schedulingPolicy]: z.string().min(1).optional(),
  [ENV.home]: z.string().min(1).optional(),
  [ENV.logLevel]: z.enum(GATEWAY_LOG_LEVELS).optional(),
});

/** The part of the configuration environment variables set (empty values count as unset). */
function fromEnvironment(env: NodeJS.ProcessEnv): Partial<GatewayConfig> {
  const present = Object.fromEntries(
    Object.keys(EnvironmentSchema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const values = parseOrThrow(EnvironmentSchema, present, 'invalid environment');
  const config: Partial<GatewayConfig> = {};
  const limits: Partial<GatewayConfig['limits']> = {};
  for (const [field, name] of LIMIT_VARIABLES) {
    const value = (values as Record<string, number | undefined>)[name];
    if (value !== undefined) limits[field] = value;
  }
  if (Object.keys(limits).length > 0) config.limits = limits as GatewayConfig['limits'];
  if (values.SAGE_GATEWAY_HOST !== undefined) config.host = values.SAGE_GATEWAY_HOST;
  if (values.SAGE_GATEWAY_PORT !== undefined) config.port = values.SAGE_GATEWAY_PORT;
  if (values.SAGE_HOME !== undefined) config.stateDir = values.SAGE_HOME;
  if (values.SAGE_LOG_LEVEL !== undefined) config.logLevel = values.SAGE_LOG_LEVEL;
  if (values.SAGE_SCHEDULING_POLICY !== undefined) {
    config.scheduling = { policy: values.SAGE_SCHEDULING_POLICY };
  }
  const keys = (values.SAGE_API_KEYS ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (keys.length > 0) config.apiKeys = keys.map((key) => ({ key, admin: true, name: ENV.apiKeys }));
  return config;
}

function mergeKeys(layers: ReadonlyArray<Partial<GatewayConfig> | undefined>): GatewayApiKey[] {
  const byKey = new Map<string, GatewayApiKey>();
  for (const layer of layers) for (const apiKey of layer?.apiKeys ?? []) byKey.set(apiKey.key, apiKey);
  return [...byKey.values()];
}

function merge(base: GatewayConfig, layer: Partial<GatewayConfig> | undefined): GatewayConfig {
  if (!layer) return base;
  const defined = Object.fromEntries(Object.entries(layer).filter(([, value]) => value !== undefined));
  return {
    ...base,
    ...defined,
    scheduling: { ...base.scheduling, ...layer.scheduling },
    health: { ...base.health, ...layer.health },
    proxy: { ...base.proxy, ...layer.proxy },
    engines: { ...base.engines, ...layer.engines },
    security: { ...base.security, ...layer.security },
    limits: { ...base.limits, ...layer.limits },
    modelLoading: { ...base.modelLoading, ...layer.modelLoading },
  };
}

/**
 * The gateway's configuration: defaults ← `fileConfig` (a parsed `sage.yaml`) ← environment
 * (`SAGE_GATEWAY_HOST`, `SAGE_GATEWAY_PORT`, `SAGE_API_KEYS`, `SAGE_SCHEDULING_POLICY`,
 * `SAGE_HOME`, `SAGE_LOG_LEVEL`, and the `limits` variables `SAGE_MAX_CONNECTIONS`,
 * `SAGE_HEADERS_TIMEOUT_MS`, `SAGE_REQUEST_TIMEOUT_MS`, `SAGE_KEEP_ALIVE_TIMEOUT_MS`,
 * `SAGE_MAX_JSON_DEPTH`) ← `overrides` (command-line flags, `startGateway` options).
 * API keys from every layer are combined; keys from `SAGE_API_KEYS` are admin keys.
 *
 * @throws ValidationError naming the environment variable when one is invalid.
 * @example
 * ```ts
 * const config = resolveGatewayConfig(process.env, await loadGatewayConfig('sage.yaml'), { port: 0 });
 * ```
 */
export function resolveGatewayConfig(
  env: NodeJS.ProcessEnv = process.env,
  fileConfig?: Partial<GatewayConfig>,
  overrides?: Partial<GatewayConfig>,
): GatewayConfig {
  const environment = fromEnvironment(env);
  const layers = [fileConfig, environment, overrides];
  const merged = layers.reduce<GatewayConfig>(merge, defaultGatewayConfig());
  checkResolved(merged);
  return { ...merged, apiKeys: mergeKeys(layers) };
}

/** Values that can still be wrong after merging (overrides are not schema-checked). */
function checkResolved(config: GatewayConfig): void {
  const problems: Array<[path: string, ok: boolean, expected: string]> = [
    ['port', Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535, 'an integer 0–65535'],
    ['host', typeof config.host === 'string' && config.host.length > 0, 'a non-empty host name or address'],
    [
      'bodyLimitBytes',
      Number.isInteger(config.bodyLimitBytes) && config.bodyLimitBytes > 0,
      'a positive integer',
    ],
    ...(
      [
        'maxJsonDepth',
        'headersTimeoutMs',
        'requestTimeoutMs',
        'keepAliveTimeoutMs',
        'maxConnections',
      ] as const
    ).map((field): [string, boolean, string] => [
      `limits.${field}`,
      Number.isInteger(config.limits[field]) && config.limits[field] > 0,
      'a positive integer',
    ]),
    [
      'limits.headersTimeoutMs',
      config.limits.headersTimeoutMs <= config.limits.requestTimeoutMs,
      'at most limits.requestTimeoutMs (the headers are part of the request)',
    ],
    [
      'proxy.maxAttempts',
      Number.isInteger(config.proxy.maxAttempts) && config.proxy.maxAttempts >= 1,
      'a positive integer',
    ],
  ];
  const failed = problems.find(([, ok]) => !ok);
  if (!failed) return;
  const [path, , expected] = failed;
  throw new ValidationError({ message: `invalid gateway configuration: ${path}: must be ${expected}`, path });
}

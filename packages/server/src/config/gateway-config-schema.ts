import { builtinBackends, CustomBackendOptions, schedulingPolicyNames } from '@sage/control-plane';
import { z } from 'zod';

/**
 * The `sage.yaml` schema (STYLE G11): snake_case keys, unknown keys are errors (a typo is
 * reported with its line and column instead of silently ignored). Every option is optional;
 * `examples/sage.example.yaml` documents each one with its default.
 */

const positiveInt = z.int().positive();
const milliseconds = z.int().positive();

/** One API key. `admin: true` keys may also call `/v1/management/*`. */
export const ApiKeySchema = z.strictObject({
  key: z.string().min(8, 'API keys need at least 8 characters'),
  /** Shown in logs instead of the key. */
  name: z.string().min(1).optional(),
  admin: z.boolean().default(false),
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An allowed CORS origin: `scheme://host[:port]`, or `*` for any. */
const corsOrigin = z
  .string()
  .regex(/^(\*|https?:\/\/[^/\s]+)$/, "an origin is 'scheme://host[:port]' (no path), or '*'");

const SchedulingSection = z.strictObject({
  policy: z.enum(schedulingPolicyNames).optional(),
  queue_capacity: positiveInt.optional(),
  queue_timeout_ms: milliseconds.optional(),
  /** Per-policy parameters, e.g. `slo_aware: { urgency_threshold: 0.7 }`. */
  parameters: z.partialRecord(z.enum(schedulingPolicyNames), z.record(z.string(), z.unknown())).optional(),
});

const HealthSection = z.strictObject({
  interval_ms: milliseconds.optional(),
  timeout_ms: milliseconds.optional(),
  consecutive_failures_threshold: positiveInt.optional(),
  auto_restart: z.boolean().optional(),
  max_restart_attempts: z.int().nonnegative().optional(),
  restart_backoff_base_ms: milliseconds.optional(),
  restart_backoff_max_ms: milliseconds.optional(),
  restart_reset_after_ms: milliseconds.optional(),
  readiness_poll_ms: milliseconds.optional(),
  startup_timeout_ms: milliseconds.optional(),
  stop_timeout_ms: milliseconds.optional(),
  drain_timeout_ms: milliseconds.optional(),
  request_failure_threshold: positiveInt.optional(),
});

const ProxySection = z.strictObject({
  max_attempts: z.int().min(1).max(10).optional(),
  keep_alive_timeout_ms: milliseconds.optional(),
  connections_per_engine: positiveInt.optional(),
  headers_timeout_ms: milliseconds.optional(),
  body_timeout_ms: milliseconds.optional(),
  retry_after_seconds: positiveInt.optional(),
});

const builtinBackendNames = new Set(Object.keys(builtinBackends));

const BackendList = z.array(CustomBackendOptions).superRefine((backends, context) => {
  const seen = new Set<string>();
  for (const [index, backend] of backends.entries()) {
    if (builtinBackendNames.has(backend.name)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `'${backend.name}' is a built-in backend; give the custom backend another name`,
      });
    } else if (seen.has(backend.name)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `backend '${backend.name}' is declared twice`,
      });
    }
    seen.add(backend.name);
  }
});

/** `sage.yaml` as written (snake_case). Parse it with {@link loadGatewayConfig}. */
export const GatewayConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(0).max(65535).optional(),
  insecure: z.boolean().optional(),
  api_keys: z.array(ApiKeySchema).optional(),
  cors_origins: z.array(corsOrigin).optional(),
  body_limit_bytes: positiveInt.optional(),
  state_dir: z.string().min(1).optional(),
  log_level: z.enum(LOG_LEVELS).optional(),
  scheduling: SchedulingSection.optional(),
  health: HealthSection.optional(),
  proxy: ProxySection.optional(),
  backends: BackendList.optional(),
  preset: z.string().min(1).nullable().optional(),
  preset_timeout_ms: milliseconds.optional(),
});

/** A parsed `sage.yaml` (snake_case, only what the file sets). */
export type GatewayConfigFile = z.output<typeof GatewayConfigSchema>;

/** pino levels accepted by `log_level` and `SAGE_LOG_LEVEL`. */
export const GATEWAY_LOG_LEVELS = LOG_LEVELS;
export type GatewayLogLevel = (typeof LOG_LEVELS)[number];

import {
  allowedFlagProblem,
  builtinBackends,
  CustomBackendOptions,
  createCustomBackend,
  ExecutorConfigSchema,
  schedulingPolicyNames,
} from '@sage/control-plane';
import {
  CatalogGroupWire,
  CatalogModelList,
  catalogGroupProblems,
  fromWire,
  wireObject,
} from '@sage/protocol';
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
  process_sample_interval_ms: milliseconds.optional(),
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

/** The gateway's HTTP server and request-parsing limits (docs/security.md). */
const LimitsSection = z.strictObject({
  max_json_depth: positiveInt.optional(),
  headers_timeout_ms: milliseconds.optional(),
  request_timeout_ms: milliseconds.optional(),
  keep_alive_timeout_ms: milliseconds.optional(),
  max_connections: positiveInt.optional(),
});

/** Who may call the management API without API keys (docs/security.md). */
const SecuritySection = z.strictObject({
  /** Require the local admin token on management routes. Default true. */
  local_token: z.boolean().optional(),
  /** Host names accepted without API keys besides loopback names (DNS-rebinding protection). */
  allowed_hosts: z
    .array(z.string().regex(/^[A-Za-z0-9.-]+$|^[0-9a-fA-F:]+$/, 'a host name or address, without port'))
    .optional(),
});

/** What requests may put on engine command lines, and what engines inherit (docs/security.md). */
const EnginesSection = z.strictObject({
  /** Flags a start request's `extra_args` may pass, per backend name. Default: none. */
  allowed_extra_args: z.record(z.string(), z.array(z.string().min(1))).optional(),
  /** Directories a model path may lie under. Default: `<state_dir>/models`. */
  model_dirs: z.array(z.string().min(1)).optional(),
  /** Resident memory (MB) of one engine's process tree; past it the engine is stopped and FAILED. */
  memory_cap_mb: positiveInt.optional(),
  /** The Hugging Face hub (or a mirror) the model cache pulls `hf:` references from. Default: `HF_ENDPOINT`, else https://huggingface.co. */
  hub_endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** Variables engines inherit beyond the built-in allow-list: names, or `PREFIX_*`. */
  pass_env: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, "a variable name, or 'PREFIX_*'"))
    .optional(),
});

/** Timings of on-demand models (docs/models.md); the catalog itself is `models:`. */
const ModelLoadingSection = z.strictObject({
  /** Longest wait of a request for its model's load; then 503 with Retry-After. */
  load_timeout_ms: milliseconds.optional(),
  /** After a failed load, requests for the model get its error this long. */
  failure_holdoff_ms: milliseconds.optional(),
  /** A RUNNING engine is not evicted before this (anti-thrash). */
  min_residency_ms: z.int().nonnegative().optional(),
  /** Period of the idle-unload and replica loop. */
  check_interval_ms: milliseconds.optional(),
  /** Queue wait of a model's oldest request that starts another replica. */
  scale_up_queue_wait_ms: milliseconds.optional(),
  /** Idle time after which a replica beyond the first is stopped. */
  replica_idle_ms: milliseconds.optional(),
});

const builtinBackendNames = new Set(Object.keys(builtinBackends));

/** A custom backend as `sage.yaml` writes it (snake_case). */
const CustomBackendEntry = wireObject(CustomBackendOptions);
type CustomBackendEntry = z.input<typeof CustomBackendEntry>;

const BackendList = z.array(CustomBackendEntry).superRefine((backends, context) => {
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
export const GatewayConfigSchema = z
  .strictObject({
    host: z.string().min(1).optional(),
    port: z.int().min(0).max(65535).optional(),
    insecure: z.boolean().optional(),
    api_keys: z.array(ApiKeySchema).optional(),
    cors_origins: z.array(corsOrigin).optional(),
    security: SecuritySection.optional(),
    body_limit_bytes: positiveInt.optional(),
    limits: LimitsSection.optional(),
    state_dir: z.string().min(1).optional(),
    log_level: z.enum(LOG_LEVELS).optional(),
    scheduling: SchedulingSection.optional(),
    health: HealthSection.optional(),
    proxy: ProxySection.optional(),
    backends: BackendList.optional(),
    engines: EnginesSection.optional(),
    models: CatalogModelList.optional(),
    model_groups: z.array(CatalogGroupWire).optional(),
    model_loading: ModelLoadingSection.optional(),
    /** Where engines run: `{ kind: local }` (default) or `{ kind: kubernetes, namespace, kubeconfig? }`. */
    executor: ExecutorConfigSchema.optional(),
    preset: z.string().min(1).nullable().optional(),
    preset_timeout_ms: milliseconds.optional(),
  })
  .superRefine(checkAllowedExtraArgs)
  .superRefine(checkModelBackends)
  .superRefine(checkModelGroups);

/** `model_groups` name catalog models, and no two groups contradict each other. */
function checkModelGroups(
  config: { models?: Array<{ name: string }> | undefined; model_groups?: CatalogGroupWire[] | undefined },
  context: z.RefinementCtx,
): void {
  const names = (config.models ?? []).map((model) => model.name);
  for (const problem of catalogGroupProblems(names, config.model_groups ?? [])) {
    context.addIssue({ code: 'custom', path: ['model_groups', ...problem.path], message: problem.message });
  }
}

/** Each catalog model names a backend that exists (built-in, or custom in this file). */
function checkModelBackends(
  config: {
    backends?: CustomBackendOptions[] | undefined;
    models?: Array<{ backend?: string | undefined }> | undefined;
  },
  context: z.RefinementCtx,
): void {
  const names = new Set([...builtinBackendNames, ...(config.backends ?? []).map((backend) => backend.name)]);
  for (const [index, model] of (config.models ?? []).entries()) {
    if (model.backend === undefined || names.has(model.backend)) continue;
    context.addIssue({
      code: 'custom',
      path: ['models', index, 'backend'],
      message: `no backend '${model.backend}' (available: ${[...names].join(', ')})`,
    });
  }
}

/** The flags each backend owns: built-ins declare them, custom ones are their template's flags. */
function ownedFlagsByBackend(backends: readonly CustomBackendEntry[]): Map<string, readonly string[]> {
  const owned = new Map<string, readonly string[]>(
    Object.values(builtinBackends).map((backend) => [backend.name, backend.ownedFlags]),
  );
  for (const options of backends) {
    try {
      owned.set(options.name, createCustomBackend(fromWire<CustomBackendOptions>(options)).ownedFlags);
    } catch {
      // reported at the backend's own entry
    }
  }
  return owned;
}

/** `engines.allowed_extra_args`: known backends only, and no owned or dangerous flag. */
function checkAllowedExtraArgs(
  config: {
    backends?: CustomBackendEntry[] | undefined;
    engines?: { allowed_extra_args?: Record<string, string[]> | undefined } | undefined;
  },
  context: z.RefinementCtx,
): void {
  const allowed = config.engines?.allowed_extra_args;
  if (!allowed) return;
  const owned = ownedFlagsByBackend(config.backends ?? []);
  for (const [backend, flags] of Object.entries(allowed)) {
    const path = ['engines', 'allowed_extra_args', backend];
    const ownedFlags = owned.get(backend);
    if (!ownedFlags) {
      context.addIssue({
        code: 'custom',
        path,
        message: `no backend '${backend}' (available: ${[...owned.keys()].join(', ')})`,
      });
      continue;
    }
    for (const [index, flag] of flags.entries()) {
      const problem = allowedFlagProblem(flag, { backend, owned: ownedFlags });
      if (problem) context.addIssue({ code: 'custom', path: [...path, index], message: problem });
    }
  }
}

/** A parsed `sage.yaml` (snake_case, only what the file sets). */
export type GatewayConfigFile = z.output<typeof GatewayConfigSchema>;

/** pino levels accepted by `log_level` and `SAGE_LOG_LEVEL`. */
export const GATEWAY_LOG_LEVELS = LOG_LEVELS;
export type GatewayLogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every default of the control plane, documented once (STYLE G12). Docs and CLI help import
 * these; tests pass shorter values through the same options.
 */
export const CONTROL_PLANE_DEFAULTS = {
  /** Restart engines whose process exits or whose health checks keep failing. */
  autoRestart: true,
  /** Restart attempts before an engine becomes FAILED (the counter resets after a stable period). */
  maxRestartAttempts: 3,
  /** Milliseconds between two health checks of a RUNNING engine. */
  healthCheckIntervalMs: 10_000,
  /** Timeout of one health check. */
  healthCheckTimeoutMs: 5_000,
  /** Consecutive failed checks before a restart (the first failure already marks it UNHEALTHY). */
  consecutiveFailuresThreshold: 2,
  /** Backoff before restart attempt n is restartBackoffBaseMs × 2^(n−1): 1 s, 2 s, 4 s … */
  restartBackoffBaseMs: 1_000,
  /** Upper bound of one backoff delay. */
  restartBackoffMaxMs: 60_000,
  /** An engine RUNNING this long has its restart attempt counter reset. */
  restartResetAfterMs: 60_000,
  /** Milliseconds between readiness polls of a STARTING engine. */
  readinessPollMs: 250,
  /**
   * Milliseconds between two samples of every engine's processes: a stopped (frozen) process is
   * restarted, one past its memory bound FAILED. One stat read per engine (and one pass over the
   * process table when a memory bound applies).
   */
  processSampleIntervalMs: 500,
  /** SIGTERM to the engine's process group, then SIGKILL after this many ms. */
  stopTimeoutMs: 20_000,
  /** How long a draining engine may take to finish in-flight requests before it is stopped anyway. */
  drainTimeoutMs: 30_000,
  /** Lines of an engine's own log quoted in `last_error` and the FAILED log entry. */
  logTailLines: 20,
  /** Bind address of engines. */
  engineHost: '127.0.0.1',
} as const;

export type ControlPlaneDefaults = typeof CONTROL_PLANE_DEFAULTS;

/**
 * Defaults of on-demand models (docs/models.md, `model_loading:` in sage.yaml). Tests pass shorter
 * values through `ControlPlaneManagerOptions.catalog`.
 */
export const MODEL_DEFAULTS = {
  /** Longest wait of a request for its model's load; then 503 with Retry-After (a vLLM cold start takes minutes). */
  loadTimeoutMs: 600_000,
  /** After a failed load, requests for the model are answered with its error this long before a new try. */
  failureHoldoffMs: 10_000,
  /** A RUNNING engine is not evicted before this (a storm over more models than fit does not thrash). */
  minResidencyMs: 30_000,
  /** Period of the idle-unload and replica loop. */
  checkIntervalMs: 1_000,
  /** A model's oldest queued request waiting this long starts another replica (up to max_replicas). */
  scaleUpQueueWaitMs: 2_000,
  /** A replica beyond the first idle this long is stopped (down to min_replicas). */
  replicaIdleMs: 60_000,
  /** How often a load waiting for GPU memory (busy engines) looks again. */
  placementPollMs: 250,
  /** Longest wait for a started engine to become RUNNING (its backend's startup timeout fails it first). */
  engineWaitMs: 1_800_000,
  /** Limit of each call of the sleep tier: `POST /sleep`, `POST /wake_up`, the canary request after a wake. */
  sleepTimeoutMs: 120_000,
} as const;

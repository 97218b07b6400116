/**
 * Defaults of the request scheduler, documented in docs/scheduling-policies.md (a test compares
 * the two). The active policy's default, `adaptive`, is `DEFAULT_SCHEDULING_POLICY` in
 * `@sage/protocol`.
 */

/** Most requests waiting at once; one more gets `QueueFullError` (HTTP 429). */
export const DEFAULT_QUEUE_CAPACITY = 1024;

/** Longest wait for an engine slot; then `QueueTimeoutError` (HTTP 503 + Retry-After). */
export const DEFAULT_QUEUE_TIMEOUT_MS = 30_000;

/** Weight of the newest latency sample in an engine's latency EWMA (about the last 5–6 requests count). */
export const DEFAULT_LATENCY_SMOOTHING = 0.3;

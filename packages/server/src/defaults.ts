import { DEFAULT_MAX_CONCURRENT_REQUESTS } from '@sage/protocol';

/**
 * Every default of the gateway, documented once (STYLE G12). `docs/gateway.md`,
 * `examples/sage.example.yaml` and tests import these instead of repeating literals.
 * Cross-package values (address, header names, priorities) live in `@sage/protocol`.
 */
export const GATEWAY_DEFAULTS = {
  /** Largest request body accepted, in bytes (4 MiB); larger bodies get 413. */
  bodyLimitBytes: 4 * 1024 * 1024,
  /** Deepest nesting of objects and arrays a JSON request body may have; deeper bodies get 400 (`limits.max_json_depth`). */
  maxJsonDepth: 64,
  /** A client has this long to send a request's headers (`limits.headers_timeout_ms`); then 408 and the connection closes. */
  clientHeadersTimeoutMs: 10_000,
  /** A client has this long to send a whole request, body included (`limits.request_timeout_ms`); then 408. Answers may take longer. */
  clientRequestTimeoutMs: 30_000,
  /** An idle keep-alive client connection is closed after this long (`limits.keep_alive_timeout_ms`). */
  clientKeepAliveTimeoutMs: 5_000,
  /** Most client connections open at once (`limits.max_connections`); further ones are closed at once. */
  maxConnections: 1_024,
  /** Engines tried for one inference request before giving up (the first try plus failovers). */
  maxAttempts: 3,
  /** Consecutive server-side failures (5xx, refused or reset connections) that mark a RUNNING engine UNHEALTHY. */
  requestFailureThreshold: 3,
  /**
   * Idle keep-alive connections to an engine are closed after this many ms: below the engines' own
   * idle timeout (uvicorn and Node close after 5 s), so the gateway never reuses a socket the
   * engine is closing. An engine's `Keep-Alive: timeout=N` answer header is honoured too.
   */
  keepAliveTimeoutMs: 4_000,
  /**
   * Most connections the gateway opens to one engine (further requests wait for a free
   * connection): one per request an engine takes by default (`max_concurrent_requests`).
   */
  connectionsPerEngine: DEFAULT_MAX_CONCURRENT_REQUESTS,
  /** Time to wait for an engine's response headers before the attempt counts as failed. */
  headersTimeoutMs: 300_000,
  /** Time allowed between two body chunks from an engine (a stalled stream fails after it). */
  bodyTimeoutMs: 300_000,
  /** Seconds advertised in `Retry-After` with 429 and 503 answers. */
  retryAfterSeconds: 1,
  /** `POST /v1/management/engines?wait=true` and preset application wait this long for readiness. */
  readyTimeoutMs: 600_000,
  /** Lines returned by `GET /v1/management/engines/{id}/logs` without `tail`. */
  logTailLines: 100,
  /** Most lines one logs request may ask for. */
  maxLogTailLines: 10_000,
  /** An SSE comment is sent this often on a followed log, so idle connections stay open. */
  logHeartbeatMs: 15_000,
  /** An SSE comment is sent this often on the engine event stream (`GET /v1/management/events`). */
  eventHeartbeatMs: 15_000,
  /** In-flight requests get this long to finish when the gateway closes, then connections are cut. */
  shutdownGraceMs: 10_000,
  /** Management routes need the local admin token (`security.local_token`, docs/security.md). */
  localAdminToken: true,
  /** pino level of the gateway's own logger when none is injected (`SAGE_LOG_LEVEL`). */
  logLevel: 'info',
} as const;

export type GatewayDefaults = typeof GATEWAY_DEFAULTS;

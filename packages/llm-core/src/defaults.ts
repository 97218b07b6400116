import { DEFAULT_CONTROL_PLANE_URL, DEFAULT_SCHEDULING_POLICY, ENV } from '@sage/protocol';

/**
 * Every default of the client, in one place (STYLE G12). Docs and tests import these values
 * instead of repeating the literals.
 */
export const CLIENT_DEFAULTS = {
  /** URL of the control plane when neither `controlPlaneUrl` nor `SAGE_CONTROL_PLANE_URL` is set. */
  controlPlaneUrl: DEFAULT_CONTROL_PLANE_URL,
  /** `embedded`: connect to a running control plane unless asked to start one. */
  embedded: false,
  /** Scheduling policy of an embedded control plane (and the gateway's own default). */
  schedulingPolicy: DEFAULT_SCHEDULING_POLICY,
  /** Per-request deadline in ms; for streams, the longest wait for the next event. */
  timeoutMs: 60_000,
  /** Longest wait for a control plane to answer while `create()` checks it. */
  probeTimeoutMs: 5_000,
  /** Waits between tries when a connection is refused (nothing was sent): 3 retries. */
  connectRetryDelaysMs: [100, 200, 400] as readonly number[],
  /** How long embedded mode waits for its engines to become RUNNING. */
  embeddedStartupTimeoutMs: 180_000,
  /** Poll interval while embedded mode waits for its engines. */
  embeddedPollIntervalMs: 250,
  /** Log level of an embedded gateway without a `logger` (`SAGE_LOG_LEVEL` wins). */
  embeddedLogLevel: 'warn',
} as const;

/** Environment variables the client reads. */
export const CLIENT_ENV = {
  /** Base URL of the control plane (`http://host:port/v1`). */
  controlPlaneUrl: ENV.controlPlaneUrl,
  /** API key sent as `Authorization: Bearer <key>`. */
  apiKey: ENV.apiKey,
} as const;

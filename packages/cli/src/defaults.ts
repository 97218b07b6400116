import {
  DEFAULT_CONTROL_PLANE_URL,
  DEFAULT_GATEWAY_HOST,
  DEFAULT_GATEWAY_PORT,
  DEFAULT_STATE_DIR_NAME,
  ENV,
} from '@sage/protocol';

/**
 * Every default of the `sage` command, documented once (STYLE G12). Help texts, docs and tests
 * import these values instead of repeating the literals.
 */
export const CLI_DEFAULTS = {
  /** Base URL of the gateway's API when neither `--api-base` nor `SAGE_CONTROL_PLANE_URL` is set. */
  apiBase: DEFAULT_CONTROL_PLANE_URL,
  /** Address a gateway binds when neither `--host` nor `SAGE_GATEWAY_HOST` is set. */
  gatewayHost: DEFAULT_GATEWAY_HOST,
  /** Port a gateway binds when neither `--port` nor `SAGE_GATEWAY_PORT` is set. */
  gatewayPort: DEFAULT_GATEWAY_PORT,
  /** State directory name under the home directory when `SAGE_HOME` is unset. */
  stateDirectoryName: DEFAULT_STATE_DIR_NAME,
  /** File (in the state directory) that records the running gateway: pid, host, port, url. */
  pidFileName: 'gateway.pid',
  /** File (in the state directory) that a background gateway writes its output to. */
  logFileName: 'gateway.log',
  /** How long `sage gateway start` waits for the gateway to answer `/health`. */
  gatewayStartTimeoutMs: 120_000,
  /**
   * The same with `--preset`/`--preset-file`: the gateway answers once the preset's engines are
   * RUNNING, which it allows 600 s (its `readyTimeoutMs`); a minute more for the rest.
   */
  gatewayPresetStartTimeoutMs: 660_000,
  /** pino level of the gateway run by `sage llm serve` when `SAGE_LOG_LEVEL` is unset (its own lines stay readable). */
  serveLogLevel: 'warn',
  /** How long `sage gateway stop` waits for the gateway process to exit (engines stop first). */
  gatewayStopTimeoutMs: 90_000,
  /** Poll interval while waiting for a gateway, an engine or a process. */
  pollIntervalMs: 100,
  /** Poll interval while waiting for an engine to become RUNNING (`--wait`, `preset apply`, `serve`). */
  enginePollIntervalMs: 300,
  /** Refresh interval of `--watch` on list commands. */
  watchIntervalMs: 2_000,
  /** Lines shown by `logs` without `-n`, and of an engine's log when it FAILED. */
  logTailLines: 50,
  /** Lines of an engine's log printed when it FAILED. */
  failedLogTailLines: 20,
  /** Timeout of one management request (engine start waits and preset apply have none). */
  requestTimeoutMs: 30_000,
  /** Timeout of the `/health` probe. */
  healthTimeoutMs: 2_000,
  /** Timeout of the gateway request behind a dynamic shell completion (engine ids, catalog models). */
  completionTimeoutMs: 500,
  /** How long `sage llm serve` waits for the preset's engines before it says they are not ready yet. */
  serveReadyTimeoutMs: 300_000,
  /** Model in the curl example of `sage llm serve` when the preset has no LLM engine. */
  exampleModel: 'sage/tiny-chat',
} as const;

/** Environment variables the CLI reads (beyond those the gateway reads itself). */
export const CLI_ENV = {
  /** Default of `--api-base`. */
  controlPlaneUrl: ENV.controlPlaneUrl,
  /** State directory (pid file, gateway log; the gateway keeps engine logs and its registry there). */
  home: ENV.home,
  /** Default of `--host` for `sage gateway start`. */
  gatewayHost: ENV.gatewayHost,
  /** Default of `--port` for `sage gateway start` and `sage llm serve`. */
  gatewayPort: ENV.gatewayPort,
  /** API key sent as `Authorization: Bearer <key>` (the client library reads the same variable). */
  apiKey: ENV.apiKey,
} as const;

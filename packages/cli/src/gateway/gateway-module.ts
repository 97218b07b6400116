/**
 * The slice of `@sage/server` the CLI uses. Only the foreground gateway loads the module,
 * through a dynamic `import()`, so commands that only talk HTTP start fast.
 */
export interface ForegroundGatewayStartOptions {
  /** Unset: `SAGE_GATEWAY_HOST`, else the config's `host:`, else 127.0.0.1. */
  host?: string;
  /** Unset: `SAGE_GATEWAY_PORT`, else the config's `port:`, else 8889. */
  port?: number;
  /** Path of `sage.yaml`, or a resolved configuration (`defaultGatewayConfig()` with changes). */
  config?: string | Record<string, unknown>;
  /** A built-in preset name or a validated preset object; `startGateway` resolves once its engines are RUNNING. */
  preset?: string | Record<string, unknown>;
  /** The default scheduling policy. */
  policy?: string;
  insecure?: boolean;
  /**
   * Aborted during start-up: the gateway stops with every engine it started, and `startGateway`
   * rejects with an error named `GatewayStartAbortedError`. Until start-up completes, an exit of
   * this process (a second Ctrl-C) SIGKILLs the engines.
   */
  signal?: AbortSignal;
  /** Where the gateway's logger writes (a pino-pretty stream); default: JSON lines on stdout. */
  logDestination?: NodeJS.WritableStream;
}

export interface StartedGateway {
  /** `http://127.0.0.1:PORT` (OpenAI routes under `/v1`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The local admin token its management routes require (docs/security.md). */
  readonly adminToken?: string | undefined;
  close(options?: { stopEngines?: boolean }): Promise<void>;
}

export interface GatewayModule {
  startGateway(options: ForegroundGatewayStartOptions): Promise<StartedGateway>;
  /**
   * Read and validate a `sage.yaml` (throws `ConfigValidationError` with file:line:column): the
   * file's values over the defaults.
   */
  loadGatewayConfig(path: string): Promise<{ host?: string; port?: number; logLevel?: string }>;
  /** The configuration before any file or environment variable. */
  defaultGatewayConfig(): Record<string, unknown>;
  /** The registered scheduling policies (the control plane's registry). */
  readonly schedulingPolicyNames: readonly string[];
}

export type GatewayModuleLoader = () => Promise<GatewayModule>;

export const loadGatewayModule: GatewayModuleLoader = async () =>
  (await import('@sage/server')) as unknown as GatewayModule;

/**
 * The slice of `@sage/server` the CLI uses. Only the foreground gateway loads the module,
 * through a dynamic `import()`, so commands that only talk HTTP start fast.
 */
export interface ForegroundGatewayStartOptions {
  host: string;
  port: number;
  /** Path of `sage.yaml`. */
  config?: string;
  /** A built-in preset name or a validated preset object. */
  preset?: string | Record<string, unknown>;
  insecure?: boolean;
  managerOptions?: { scheduling?: { policy?: string } };
}

export interface StartedGateway {
  /** `http://127.0.0.1:PORT` (OpenAI routes under `/v1`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(options?: { stopEngines?: boolean }): Promise<void>;
}

export interface GatewayModule {
  startGateway(options: ForegroundGatewayStartOptions): Promise<StartedGateway>;
}

export type GatewayModuleLoader = () => Promise<GatewayModule>;

export const loadGatewayModule: GatewayModuleLoader = async () =>
  (await import('@sage/server')) as unknown as GatewayModule;

/** The API base (`…/v1`) of a started gateway. */
export function apiBaseOf(gateway: Pick<StartedGateway, 'url'>): string {
  const url = gateway.url.replace(/\/+$/, '');
  return url.endsWith('/v1') ? url : `${url}/v1`;
}

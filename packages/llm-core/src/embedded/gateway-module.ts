/**
 * The slice of `@sage/server` that embedded mode uses. Only `start-embedded-control-plane.ts`
 * loads the module, through a dynamic `import()`, so remote mode never loads server code.
 */
export interface EmbeddedGatewayStartOptions {
  host: string;
  port: number;
  preset?: string | Record<string, unknown>;
  managerOptions?: { stateDir?: string; scheduling?: { policy?: string } };
}

export interface EmbeddedGateway {
  /** `http://127.0.0.1:PORT`; OpenAI routes live under `/v1`. */
  readonly url: string;
  close(options?: { stopEngines?: boolean }): Promise<void>;
}

export interface GatewayModule {
  startGateway(options: EmbeddedGatewayStartOptions): Promise<EmbeddedGateway>;
}

/** Load `@sage/server` on demand (tests may inject a stand-in). */
export type GatewayModuleLoader = () => Promise<GatewayModule>;

export const loadGatewayModule: GatewayModuleLoader = async () =>
  (await import('@sage/server')) as unknown as GatewayModule;

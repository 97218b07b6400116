import type { RunningGateway, StartGatewayOptions } from '@sage/server';

/**
 * The slice of `@sage/server` that embedded mode uses. Only this module names the package, and
 * only through a dynamic `import()` (types are erased), so remote mode never loads server code.
 */
export type EmbeddedGatewayStartOptions = StartGatewayOptions;
export type EmbeddedGateway = Pick<RunningGateway, 'url' | 'close'> & {
  adminToken?: string | undefined;
};

export interface GatewayModule {
  startGateway(options: EmbeddedGatewayStartOptions): Promise<EmbeddedGateway>;
}

/** Load `@sage/server` on demand (tests may inject a stand-in). */
export type GatewayModuleLoader = () => Promise<GatewayModule>;

export const loadGatewayModule: GatewayModuleLoader = () => import('@sage/server');

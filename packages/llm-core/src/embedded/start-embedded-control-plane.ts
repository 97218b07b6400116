import { DEFAULT_GATEWAY_HOST } from '@sage/protocol';
import type { EmbeddedGateway, GatewayModuleLoader } from './gateway-module.js';

export interface EmbeddedControlPlaneOptions {
  preset?: string | Record<string, unknown> | undefined;
  stateDir?: string | undefined;
  schedulingPolicy: string;
  loadGateway: GatewayModuleLoader;
}

/** A gateway (with its manager and engines) running inside this process. */
export interface EmbeddedControlPlane {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** Stop the gateway and every engine it started. Safe to call twice. */
  close(): Promise<void>;
}

/** The built-in offline preset (`@sage/presets` `DEFAULT_PRESET_NAME`), loaded only in embedded mode. */
async function defaultPresetName(): Promise<string> {
  const { DEFAULT_PRESET_NAME } = await import('@sage/presets');
  return DEFAULT_PRESET_NAME;
}

/**
 * Start a gateway on an ephemeral loopback port with the given preset (default: the built-in
 * offline preset) and scheduling policy.
 */
export async function startEmbeddedControlPlane(
  options: EmbeddedControlPlaneOptions,
): Promise<EmbeddedControlPlane> {
  const [server, preset] = await Promise.all([
    options.loadGateway(),
    options.preset === undefined ? defaultPresetName() : Promise.resolve(options.preset),
  ]);
  const gateway: EmbeddedGateway = await server.startGateway({
    host: DEFAULT_GATEWAY_HOST,
    port: 0,
    preset,
    managerOptions: {
      ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
      scheduling: { policy: options.schedulingPolicy },
    },
  });
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${gateway.url.replace(/\/+$/, '')}/v1`,
    close: () => {
      closing ??= gateway.close({ stopEngines: true });
      return closing;
    },
  };
}

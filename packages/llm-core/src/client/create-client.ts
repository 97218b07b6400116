import { ENV, fromWire } from '@sage/protocol';
import { CLIENT_DEFAULTS, CLIENT_ENV } from '../defaults.js';
import { ensureDefaultEngines, type WantedModel } from '../embedded/ensure-default-engines.js';
import { type GatewayModuleLoader, loadGatewayModule } from '../embedded/gateway-module.js';
import {
  type EmbeddedControlPlane,
  startEmbeddedControlPlane,
} from '../embedded/start-embedded-control-plane.js';
import { waitForEngines } from '../embedded/wait-for-engines.js';
import { type CallOptions, HttpTransport } from '../http/http-transport.js';
import type { ClientMode, ControlPlaneStatus, UnifiedInferenceClientOptions } from './client-options.js';
import { isLoopbackUrl, readLocalAdminToken } from './local-admin-token.js';
import { probeControlPlane } from './probe-control-plane.js';
import { resolveConnection } from './resolve-connection.js';
import { validateOptions } from './validate-options.js';

/** What a client is made of; only `create()` assembles it. */
export interface ClientParts {
  mode: ClientMode;
  transport: HttpTransport;
  defaultLlmModel: string | undefined;
  defaultEmbeddingModel: string | undefined;
  embedded: EmbeddedControlPlane | undefined;
}

export interface CreateDependencies {
  environment: Readonly<Record<string, string | undefined>>;
  loadGateway: GatewayModuleLoader;
}

export const defaultCreateDependencies = (): CreateDependencies => ({
  environment: process.env,
  loadGateway: loadGatewayModule,
});

export function readStatus(transport: HttpTransport, call: CallOptions = {}): Promise<ControlPlaneStatus> {
  return transport
    .json<unknown>('GET', '/management/status', undefined, call)
    .then((wire) => fromWire<ControlPlaneStatus>(wire));
}

function firstGatewayKey(keys: string | undefined): string | undefined {
  return keys
    ?.split(',')
    .map((key) => key.trim())
    .find((key) => key !== '');
}

function wantedModels(options: UnifiedInferenceClientOptions): WantedModel[] {
  const wanted: WantedModel[] = [];
  if (options.defaultLlmModel) wanted.push({ modelId: options.defaultLlmModel, kind: 'llm' });
  if (options.defaultEmbeddingModel)
    wanted.push({ modelId: options.defaultEmbeddingModel, kind: 'embedding' });
  return wanted;
}

/** Validate the options, then connect to a running control plane or start an embedded one. */
export async function createClientParts(
  options: UnifiedInferenceClientOptions,
  dependencies: CreateDependencies,
): Promise<ClientParts> {
  validateOptions(options);
  const plan = resolveConnection(options, dependencies.environment);
  const timeoutMs = options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
  const apiKey = options.apiKey ?? (dependencies.environment[CLIENT_ENV.apiKey] || undefined);
  const defaults = {
    defaultLlmModel: options.defaultLlmModel,
    defaultEmbeddingModel: options.defaultEmbeddingModel,
  };

  if (plan.mode === 'remote') {
    // Without a key, management calls to a gateway on this machine use its local admin token.
    const localToken =
      apiKey === undefined && isLoopbackUrl(plan.baseUrl)
        ? await readLocalAdminToken(dependencies.environment)
        : undefined;
    const transport = new HttpTransport({
      baseUrl: plan.baseUrl,
      apiKey,
      managementApiKey: localToken,
      schedulingPolicy: options.schedulingPolicy,
      timeoutMs,
    });
    try {
      await probeControlPlane(transport, plan, timeoutMs);
    } catch (error) {
      await transport.close();
      throw error;
    }
    return { mode: 'remote', transport, embedded: undefined, ...defaults };
  }

  const embedded = await startEmbeddedControlPlane({
    preset: options.preset,
    stateDir: options.stateDir,
    schedulingPolicy: options.schedulingPolicy,
    logger: options.logger,
    environment: dependencies.environment,
    loadGateway: dependencies.loadGateway,
  });
  // An embedded gateway reads SAGE_API_KEYS like any other: then the client uses the first key.
  const embeddedApiKey = apiKey ?? firstGatewayKey(dependencies.environment[ENV.apiKeys]);
  // Management calls (status, engine starts) use the embedded gateway's own admin token.
  const transport = new HttpTransport({
    baseUrl: embedded.baseUrl,
    apiKey: embeddedApiKey,
    managementApiKey: embedded.adminToken ?? embeddedApiKey,
    timeoutMs,
  });
  try {
    const status = await waitForEngines(() => readStatus(transport), {
      timeoutMs: CLIENT_DEFAULTS.embeddedStartupTimeoutMs,
      pollIntervalMs: CLIENT_DEFAULTS.embeddedPollIntervalMs,
    });
    await ensureDefaultEngines(status, wantedModels(options), (body) =>
      transport.json('POST', '/management/engines?wait=true', body, {
        timeoutMs: CLIENT_DEFAULTS.embeddedStartupTimeoutMs,
      }),
    );
  } catch (error) {
    await transport.close();
    await embedded.close();
    throw error;
  }
  return { mode: 'embedded', transport, embedded, ...defaults };
}

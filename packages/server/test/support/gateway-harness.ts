import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlPlaneManagerOptions,
  createCustomBackend,
  type EngineInfo,
  type EngineStartOptions,
  GPUResourceManager,
  PortAllocator,
} from '@sage/control-plane';
import { FAKE_ENGINE_FLAGS, fakeEngineBackendOptions } from '@sage/testing';
import OpenAI from 'openai';
import { pino } from 'pino';
import { type RunningGateway, type StartGatewayOptions, startGateway } from '../../src/index.js';

/** A custom backend that runs the fake engine; per-engine flags go in `extraArgs`. */
const fakeBackendOptions = {
  ...fakeEngineBackendOptions,
  command: [...fakeEngineBackendOptions.command],
};

/** Mock GPUs for `use_gpu` tests (no nvidia-smi is run). */
export const gpuMockEnv: NodeJS.ProcessEnv = {
  ...process.env,
  SAGE_DISABLE_NVML: '1',
  SAGE_GPU_MOCK_COUNT: '2',
  SAGE_GPU_MOCK_MEMORY_GB: '24',
};

export function temporaryStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'sage-server-'));
}

/** Engine ports far from the defaults and from other packages' tests: 21000 + 50 per slot (below the ephemeral port range). */
function testPortRange(slot: number) {
  const start = 21_000 + slot * 50;
  return {
    preferred: { llm: [start], embedding: [start + 1] },
    fallbackRange: { start: start + 2, end: start + 49 },
  };
}

/** Fast health checks and restarts, a private state dir and port range, mock GPUs. */
function testManagerOptions(slot: number): Partial<ControlPlaneManagerOptions> {
  const stateDir = temporaryStateDir();
  return {
    stateDir,
    env: gpuMockEnv,
    gpu: new GPUResourceManager({ env: gpuMockEnv }),
    ports: new PortAllocator({ stateDir, ...testPortRange(slot) }),
    customBackends: [createCustomBackend(fakeBackendOptions)],
    allowedExtraArgs: { fake: FAKE_ENGINE_FLAGS },
    healthCheckIntervalMs: 100,
    // Frequent checks, but a patient timeout: on a loaded 2-core CI box one slow answer must not
    // mark a healthy engine UNHEALTHY (and drop it from /v1/models) in the middle of a test.
    healthCheckTimeoutMs: 5000,
    readinessPollMs: 20,
    restartBackoffBaseMs: 100,
    maxRestartAttempts: 2,
    stopTimeoutMs: 2000,
    startupTimeoutMs: 15_000,
  };
}

/** A listening gateway on an ephemeral port with its own manager, and an OpenAI client for it. */
export interface TestGateway {
  gateway: RunningGateway;
  client: OpenAI;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What a management request sends: the gateway's local admin token. */
  managementHeaders: Record<string, string>;
  /** Start a fake engine and wait until it is RUNNING. */
  startEngine(modelId: string, options?: EngineStartOptions): Promise<EngineInfo>;
  close(): Promise<void>;
}

/**
 * Start a gateway for a test. `slot` picks a private engine port range, so test files never
 * compete for ports.
 */
export async function startTestGateway(
  slot: number,
  options: Partial<StartGatewayOptions> & { apiKey?: string } = {},
): Promise<TestGateway> {
  const { apiKey, ...gatewayOptions } = options;
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: process.env.SAGE_TEST_LOG_LEVEL ?? 'silent' }),
    ...gatewayOptions,
    managerOptions: { ...testManagerOptions(slot), ...gatewayOptions.managerOptions },
  });
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: apiKey ?? 'unused', maxRetries: 0 });
  return {
    gateway,
    client,
    url: gateway.url,
    managementHeaders: gateway.adminToken ? { authorization: `Bearer ${gateway.adminToken}` } : {},
    async startEngine(modelId, startOptions = {}) {
      const engine = await gateway.manager.requestEngineStartup(modelId, {
        backend: 'fake',
        useGpu: false,
        ...startOptions,
      });
      return gateway.manager.waitForEngine(engine.engineId, { timeoutMs: 15_000 });
    },
    close: () => gateway.close({ graceMs: 500 }),
  };
}

/** Poll until `check` holds (no fixed sleeps): `@sage/testing`'s helper. */
export { waitFor } from '@sage/testing';

/** A JSON response body, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export type JsonBody = Record<string, any>;

/** The body of `response` as JSON. */
export async function readJson(response: Response): Promise<JsonBody> {
  return (await response.json()) as JsonBody;
}

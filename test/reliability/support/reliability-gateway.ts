import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlPlaneManagerOptions,
  type ControlPlaneParts,
  createCustomBackend,
  type EngineInfo,
  type EngineStartOptions,
  GPUResourceManager,
  PortAllocator,
} from '@sage/control-plane';
import { type GatewayConfig, type RunningGateway, resolveGatewayConfig, startGateway } from '@sage/server';
import { FAKE_ENGINE_FLAGS, fakeEngineBackendOptions } from '@sage/testing';
import type { Logger } from 'pino';

const fakeBackendOptions = {
  ...fakeEngineBackendOptions,
  command: [...fakeEngineBackendOptions.command],
};

/** Mock GPUs: no nvidia-smi is run. */
export function gpuMockEnv(count = 2): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SAGE_DISABLE_NVML: '1',
    SAGE_GPU_MOCK_COUNT: String(count),
    SAGE_GPU_MOCK_MEMORY_GB: '24',
  };
}

export function temporaryStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'sage-reliability-'));
}

/** Engine ports of this suite: 24000 + 50 per slot: below the ephemeral range, away from the defaults and other suites. */
export function portRange(slot: number, size = 50) {
  const start = 24_000 + slot * 50;
  return { preferred: { llm: [], embedding: [] }, fallbackRange: { start, end: start + size - 1 } };
}

/** Fast health checks and restarts over a private state directory and port range. */
export function reliabilityManagerOptions(
  slot: number,
  overrides: Partial<ControlPlaneManagerOptions> & { stateDir?: string; portRangeSize?: number } = {},
): Partial<ControlPlaneManagerOptions> {
  const { portRangeSize, ...rest } = overrides;
  const stateDir = overrides.stateDir ?? temporaryStateDir();
  const env = overrides.env ?? gpuMockEnv();
  return {
    env,
    gpu: new GPUResourceManager({ env }),
    ports: new PortAllocator({ stateDir, ...portRange(slot, portRangeSize) }),
    customBackends: [createCustomBackend(fakeBackendOptions)],
    // The fake engine's flags, unless a test brings its own backends.
    ...(overrides.customBackends ? {} : { allowedExtraArgs: { fake: FAKE_ENGINE_FLAGS } }),
    healthCheckIntervalMs: 200,
    healthCheckTimeoutMs: 1000,
    readinessPollMs: 20,
    restartBackoffBaseMs: 100,
    maxRestartAttempts: 3,
    stopTimeoutMs: 2000,
    startupTimeoutMs: 15_000,
    ...rest,
    stateDir,
  };
}

/** A gateway on an ephemeral port, silent, over its own state directory. */
export interface ReliabilityGateway {
  gateway: RunningGateway;
  url: string;
  stateDir: string;
  /** The manager's parts (its `exposeParts` test hook), for tests that reach behind the facade. */
  parts: ControlPlaneParts;
  startEngine(modelId: string, options?: EngineStartOptions): Promise<EngineInfo>;
  close(options?: { stopEngines?: boolean }): Promise<void>;
}

export async function startReliabilityGateway(
  slot: number,
  options: {
    config?: Partial<GatewayConfig>;
    managerOptions?: Parameters<typeof reliabilityManagerOptions>[1];
    /** The gateway's logger (default: silent). */
    logger?: Logger;
  } = {},
): Promise<ReliabilityGateway> {
  let parts: ControlPlaneParts | undefined;
  const managerOptions = reliabilityManagerOptions(slot, {
    ...options.managerOptions,
    exposeParts: (exposed) => {
      parts = exposed;
      options.managerOptions?.exposeParts?.(exposed);
    },
  });
  const config = resolveGatewayConfig({}, undefined, {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...options.config,
  });
  const gateway = await startGateway({
    config,
    managerOptions,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let closed = false;
  return {
    gateway,
    url: gateway.url,
    stateDir: managerOptions.stateDir as string,
    parts: parts as ControlPlaneParts,
    async startEngine(modelId, startOptions = {}) {
      const engine = await gateway.manager.requestEngineStartup(modelId, {
        backend: 'fake',
        useGpu: false,
        ...startOptions,
      });
      return gateway.manager.waitForEngine(engine.engineId, { timeoutMs: 20_000 });
    },
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      await gateway.close({ graceMs: 500, ...closeOptions });
    },
  };
}

/** Poll until `check` holds (no fixed sleeps): `@sage/testing`'s helper. */
export { waitFor } from '@sage/testing';

/** Whether a process exists. */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One POST answer, reduced to what the assertions need. */
export interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** POST JSON with a hard timeout, so a hanging request fails the test instead of the suite. */
export async function postJson(
  url: string,
  body: unknown,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: parsed };
}

/** OpenAI's error shape: `{ error: { message: string, type: string, param, code } }`. */
export function isOpenAiError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { message, type } = error as { message?: unknown; type?: unknown };
  return typeof message === 'string' && message.length > 0 && typeof type === 'string' && 'code' in error;
}

/** Headers a management request needs on this gateway (its local admin token, when it has one). */
export function managementHeaders(gateway: ReliabilityGateway): Record<string, string> {
  const token = gateway.gateway.adminToken;
  return token ? { authorization: `Bearer ${token}` } : {};
}

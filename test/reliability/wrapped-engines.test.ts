import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createCustomBackend,
  type EngineInfo,
  type EngineStartOptions,
  GPUResourceManager,
} from '@sage/control-plane';
import { python3Available } from '@sage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandLineOf,
  type EngineWrapper,
  engineWrappers,
  markedProcesses,
  startChildGateway,
  wrapperEnv,
} from './support/engine-wrappers.js';
import {
  gpuMockEnv,
  isPidAlive,
  portRange,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  temporaryStateDir,
  waitFor,
} from './support/reliability-gateway.js';

const SLOT = 12;
const wrappers = engineWrappers().filter((wrapper) => python3Available || !wrapper.python);
const env = wrapperEnv(gpuMockEnv(2));
const customBackends = wrappers.flatMap((wrapper) => (wrapper.customBackend ? [wrapper.customBackend] : []));

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function gatewayOver(stateDir: string): Promise<ReliabilityGateway> {
  const gateway = await startReliabilityGateway(SLOT, {
    managerOptions: {
      env,
      gpu: new GPUResourceManager({ env }),
      stateDir,
      customBackends: customBackends.map((backend) => createCustomBackend(backend)),
    },
  });
  gateways.push(gateway);
  return gateway;
}

function startOptions(wrapper: EngineWrapper): EngineStartOptions {
  return {
    backend: wrapper.backend,
    ...(wrapper.kind ? { engineKind: wrapper.kind } : {}),
    useGpu: wrapper.useGpu,
    ...(wrapper.useGpu ? { requiredMemoryGb: 2 } : {}),
  };
}

async function startWrapped(gateway: ReliabilityGateway, wrapper: EngineWrapper): Promise<EngineInfo> {
  const engine = await gateway.gateway.manager.requestEngineStartup(wrapper.model, startOptions(wrapper));
  return gateway.gateway.manager.waitForEngine(engine.engineId, { timeoutMs: 30_000 });
}

async function allRunning(gateway: ReliabilityGateway, count: number): Promise<EngineInfo[]> {
  await waitFor(() => {
    const engines = gateway.gateway.manager.listEngines();
    return engines.length === count && engines.every((engine) => engine.status === 'RUNNING');
  }, 30_000);
  return gateway.gateway.manager.listEngines();
}

function chat(url: string, model: string, kind: EngineWrapper['kind'] = 'llm') {
  if (kind === 'embedding') return postJson(`${url}/v1/embeddings`, { model, input: 'hi' });
  return postJson(`${url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] });
}

describe('engines behind wrappers, shims and console scripts', () => {
  it.each(wrappers.map((wrapper) => [wrapper.name, wrapper] as const))(
    '%s: a gateway restart adopts the engine (same id and pid, no duplicate), and stop leaves nothing running',
    async (_name, wrapper) => {
      const first = await gatewayOver(temporaryStateDir());
      const engine = await startWrapped(first, wrapper);
      const pid = engine.pid as number;
      // The wrapper rewrote the command line: an exact-argv check would not recognise it.
      expect(commandLineOf(pid)).not.toEqual(engine.command);
      const processes = markedProcesses(first.stateDir);
      expect(processes.map((entry) => entry.pid)).toContain(pid);

      await first.close({ stopEngines: false });
      expect(isPidAlive(pid)).toBe(true);
      const second = await gatewayOver(first.stateDir);
      const [adopted] = await allRunning(second, 1);
      expect(adopted).toMatchObject({ engineId: engine.engineId, pid, port: engine.port });
      expect(markedProcesses(first.stateDir)).toEqual(processes);
      const answer = await chat(second.url, wrapper.model, wrapper.kind);
      expect(answer.status).toBe(200);
      if (wrapper.kind !== 'embedding') {
        expect((answer.body as { engine_pid?: number }).engine_pid).toBeDefined();
      }

      await second.close();
      await waitFor(() => markedProcesses(first.stateDir).length === 0, 15_000);
    },
  );

  it('after kill -9 of the gateway, the next one adopts every wrapped engine, and its stop leaves nothing', async () => {
    const stateDir = temporaryStateDir();
    const child = await startChildGateway({
      stateDir,
      portRange: portRange(SLOT),
      backends: customBackends,
      env,
      options: {
        healthCheckIntervalMs: 200,
        readinessPollMs: 20,
        restartBackoffBaseMs: 100,
        stopTimeoutMs: 2000,
      },
    });
    try {
      const started: EngineInfo[] = [];
      for (const wrapper of wrappers) {
        const response = await fetch(`${child.url}/v1/management/engines?wait=true&wait_timeout_ms=30000`, {
          method: 'POST',
          // The child gateway's local admin token, from its state directory.
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${readFileSync(join(stateDir, 'admin-token'), 'utf8').trim()}`,
          },
          body: JSON.stringify({
            model_id: wrapper.model,
            backend: wrapper.backend,
            use_gpu: wrapper.useGpu,
            ...(wrapper.kind ? { engine_kind: wrapper.kind } : {}),
            ...(wrapper.useGpu ? { required_memory_gb: 2 } : {}),
          }),
        });
        const body = (await response.json()) as { engine_id: string; pid: number; status: string };
        expect(response.status, JSON.stringify(body)).toBe(201);
        started.push({ engineId: body.engine_id, pid: body.pid } as EngineInfo);
      }
      const processes = markedProcesses(stateDir);
      process.kill(child.pid, 'SIGKILL');
      await waitFor(() => !isPidAlive(child.pid), 10_000);
      expect(started.every((engine) => isPidAlive(engine.pid as number))).toBe(true);

      const next = await gatewayOver(stateDir);
      const engines = await allRunning(next, wrappers.length);
      expect(engines.map((engine) => [engine.engineId, engine.pid]).sort()).toEqual(
        started.map((engine) => [engine.engineId, engine.pid]).sort(),
      );
      expect(markedProcesses(stateDir)).toEqual(processes);
      const gpus = await next.gateway.manager.getGpuStatus();
      const onGpu = wrappers.filter((wrapper) => wrapper.useGpu).length;
      expect(gpus.reduce((sum, gpu) => sum + gpu.memoryReservedGb, 0)).toBe(2 * onGpu);

      await next.close();
      await waitFor(() => markedProcesses(stateDir).length === 0, 15_000);
    } finally {
      if (isPidAlive(child.pid)) process.kill(child.pid, 'SIGKILL');
    }
  });

  it('rebuilds a lost registry ({}) from the markers of the running engines: adopted, never duplicated', async () => {
    const first = await gatewayOver(temporaryStateDir());
    const engines: EngineInfo[] = [];
    for (const wrapper of wrappers) engines.push(await startWrapped(first, wrapper));
    const processes = markedProcesses(first.stateDir);
    await first.close({ stopEngines: false });
    writeFileSync(join(first.stateDir, 'registry.json'), '{}');

    const second = await gatewayOver(first.stateDir);
    const rebuilt = await allRunning(second, engines.length);
    expect(
      rebuilt.map((engine) => [engine.engineId, engine.pid, engine.port, engine.modelId]).sort(),
    ).toEqual(engines.map((engine) => [engine.engineId, engine.pid, engine.port, engine.modelId]).sort());
    expect(markedProcesses(first.stateDir)).toEqual(processes);
    for (const wrapper of wrappers) {
      expect((await chat(second.url, wrapper.model, wrapper.kind)).status).toBe(200);
    }

    await second.close();
    await waitFor(() => markedProcesses(first.stateDir).length === 0, 15_000);
  });
});

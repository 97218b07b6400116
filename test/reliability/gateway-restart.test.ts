import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gpuMockEnv,
  isPidAlive,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** Engine processes started by the fake backend for this state directory's engines, from /proc. */
function fakeEnginePids(ports: readonly number[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirProc()) {
    let command: string;
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const argv = command.split('\0');
    const portIndex = argv.indexOf('--port');
    if (!argv.some((part) => part.endsWith('fake-engine.mjs')) || portIndex < 0) continue;
    if (ports.includes(Number(argv[portIndex + 1]))) pids.push(Number(entry));
  }
  return pids.sort();
}

function readdirProc(): string[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
}

function chat(url: string, model: string) {
  return postJson(`${url}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hi' }] });
}

describe('restarting the gateway while engines run', () => {
  it('adopts the engines: same ids, pids and ports, none duplicated or orphaned, GPU memory counted once', async () => {
    const env = gpuMockEnv(2);
    const first = await startReliabilityGateway(3, { managerOptions: { env } });
    gateways.push(first);
    const stateDir = first.stateDir;
    const onGpu = await first.startEngine('fake/gpu', { useGpu: true, requiredMemoryGb: 4 });
    const onCpu = await first.startEngine('fake/cpu', { useGpu: false });
    const ports = [onGpu.port, onCpu.port];
    expect(fakeEnginePids(ports)).toEqual([onGpu.pid, onCpu.pid].sort());
    await first.close({ stopEngines: false });
    expect(isPidAlive(onGpu.pid as number)).toBe(true);
    expect(isPidAlive(onCpu.pid as number)).toBe(true);

    const second = await startReliabilityGateway(3, { managerOptions: { env, stateDir } });
    gateways.push(second);
    const { manager } = second.gateway;
    await waitFor(() => manager.listEngines().every((engine) => engine.status === 'RUNNING'));
    const engines = manager.listEngines().sort((a, b) => a.modelId.localeCompare(b.modelId));
    expect(engines.map((engine) => [engine.engineId, engine.pid, engine.port])).toEqual(
      [onCpu, onGpu].map((engine) => [engine.engineId, engine.pid, engine.port]),
    );
    // Exactly the two original processes: nothing was started again beside them.
    expect(fakeEnginePids(ports)).toEqual([onGpu.pid, onCpu.pid].sort());
    const gpus = await manager.getGpuStatus();
    expect(gpus.reduce((sum, gpu) => sum + gpu.memoryReservedGb, 0)).toBe(4);
    // The adopted engines serve through the new gateway, from the same processes.
    const answer = await chat(second.url, 'fake/gpu');
    expect(answer.status).toBe(200);
    expect((answer.body as { engine_pid: number }).engine_pid).toBe(onGpu.pid);
    // A new engine gets neither port of the adopted ones, and the GPU total grows by its own share only.
    const added = await second.startEngine('fake/new', { useGpu: true, requiredMemoryGb: 2 });
    expect(ports).not.toContain(added.port);
    const after = await manager.getGpuStatus();
    expect(after.reduce((sum, gpu) => sum + gpu.memoryReservedGb, 0)).toBe(6);

    // Closing the second gateway stops every engine: none is left running.
    const pids = [onGpu.pid, onCpu.pid, added.pid] as number[];
    await second.close();
    await waitFor(() => pids.every((pid) => !isPidAlive(pid)), 10_000);
    expect(fakeEnginePids([...ports, added.port])).toEqual([]);
  });

  it('a second restart in a row changes nothing either', async () => {
    const env = gpuMockEnv(2);
    const first = await startReliabilityGateway(4, { managerOptions: { env } });
    gateways.push(first);
    const engine = await first.startEngine('fake/twice', { useGpu: true, requiredMemoryGb: 3 });
    await first.close({ stopEngines: false });
    for (let round = 0; round < 2; round += 1) {
      const next = await startReliabilityGateway(4, { managerOptions: { env, stateDir: first.stateDir } });
      gateways.push(next);
      await waitFor(() => next.gateway.manager.listEngines()[0]?.status === 'RUNNING');
      expect(next.gateway.manager.listEngines()).toHaveLength(1);
      expect(next.gateway.manager.listEngines()[0]).toMatchObject({
        engineId: engine.engineId,
        pid: engine.pid,
      });
      const gpus = await next.gateway.manager.getGpuStatus();
      expect(gpus.reduce((sum, gpu) => sum + gpu.memoryReservedGb, 0)).toBe(3);
      await next.close({ stopEngines: round === 1 });
    }
    await waitFor(() => !isPidAlive(engine.pid as number), 10_000);
  });
});

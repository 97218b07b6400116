import { createServer } from 'node:net';
import type { EngineStatus } from '@sage/protocol';
import { FAKE_ENGINE_FLAGS } from '@sage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCustomBackend } from '../src/backends/custom.js';
import { BackendUnavailableError } from '../src/errors.js';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import { isPidAlive } from '../src/lifecycle/process-tree.js';
import type { ControlPlaneParts } from '../src/manager/control-plane.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import type { ControlPlaneManagerOptions } from '../src/manager/control-plane-options.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { fakeBackend, temporaryStateDir, testPortRange, waitFor } from './fake-engine-backend.js';

const gpuEnv = {
  ...process.env,
  SAGE_DISABLE_NVML: '1',
  SAGE_GPU_MOCK_COUNT: '2',
  SAGE_GPU_MOCK_MEMORY_GB: '24',
};
const managers: ControlPlaneManager[] = [];
/** The managers' parts (options.exposeParts), for assertions on ports, GPUs and processes. */
const partsOf = new WeakMap<ControlPlaneManager, ControlPlaneParts>();
const partsFor = (manager: ControlPlaneManager): ControlPlaneParts =>
  partsOf.get(manager) as ControlPlaneParts;

function createManager(stateDir: string, options: Partial<ControlPlaneManagerOptions> = {}) {
  let parts: ControlPlaneParts | undefined;
  const manager = new ControlPlaneManager({
    stateDir,
    exposeParts: (exposed) => {
      parts = exposed;
    },
    env: gpuEnv,
    gpu: new GPUResourceManager({ env: gpuEnv }),
    ports: new PortAllocator({ stateDir, ...testPortRange(1) }),
    customBackends: [fakeBackend],
    allowedExtraArgs: { fake: FAKE_ENGINE_FLAGS },
    healthCheckIntervalMs: 100,
    healthCheckTimeoutMs: 500,
    readinessPollMs: 20,
    restartBackoffBaseMs: 200,
    maxRestartAttempts: 2,
    stopTimeoutMs: 1000,
    startupTimeoutMs: 10_000,
    ...options,
  });
  managers.push(manager);
  if (parts) partsOf.set(manager, parts);
  return manager;
}

function recordStates(manager: ControlPlaneManager, engineId: () => string) {
  const states: Array<{ to: EngineStatus; at: number }> = [];
  manager.on('engine-state-change', (change) => {
    if (change.engineId === engineId()) states.push({ to: change.to, at: Date.now() });
  });
  return states;
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
});

describe('ControlPlaneManager with real engine processes', () => {
  it('reports STARTING until the first healthy check, then RUNNING', async () => {
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', {
      backend: 'fake',
      useGpu: false,
      extraArgs: ['--slow-start-ms', '400'],
    });
    expect(engine.status).toBe('STARTING');
    const running = await manager.waitForEngine(engine.engineId, { timeoutMs: 10_000 });
    expect(running.status).toBe('RUNNING');
    expect(await partsFor(manager).lifecycle.healthCheck(engine.engineId)).toBe(true);
    expect(running.pid).toBeGreaterThan(0);
    // The GPU manager finds the engine's process through the executor, never from a pid handed over.
    expect(partsFor(manager).lifecycle.executor.localProcess?.(engine.engineId)).toBe(running.pid);
    expect(running.command).toContain(String(running.port));
  });

  it('restarts a kill -9ed engine after the backoff, keeping its id and port', async () => {
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(engine.engineId);
    const states = recordStates(manager, () => engine.engineId);
    const killedAt = Date.now();
    process.kill(engine.pid as number, 'SIGKILL');
    await waitFor(() => states.some((state) => state.to === 'RUNNING'));
    const restarted = manager.getEngine(engine.engineId);
    // A health check in flight at the kill may see the dead engine first (UNHEALTHY) before the exit.
    expect(states.map((state) => state.to).filter((state) => state !== 'UNHEALTHY')).toEqual([
      'RESTARTING',
      'STARTING',
      'RUNNING',
    ]);
    const starting = states.find((state) => state.to === 'STARTING')?.at ?? 0;
    expect(starting - killedAt).toBeGreaterThanOrEqual(200);
    expect(restarted).toMatchObject({
      engineId: engine.engineId,
      port: engine.port,
      restartCount: 1,
      status: 'RUNNING',
    });
    expect(restarted.pid).not.toBe(engine.pid);
    expect(manager.listEngines()).toHaveLength(1);
  });

  it('restarts a kill -9ed engine on its own port even when a lower candidate port is free again', async () => {
    // The crashed engine is not on the first candidate port: without the supervisor's preference
    // for the old port, the allocator would hand the restart the lower port `first` left free.
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const first = await manager.requestEngineStartup('fake/first', { backend: 'fake', useGpu: false });
    const crashing = await manager.requestEngineStartup('fake/crashing', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(first.engineId);
    await manager.waitForEngine(crashing.engineId);
    expect(crashing.port).toBeGreaterThan(first.port);
    await manager.requestEngineShutdown(first.engineId);
    expect([...partsFor(manager).ports.reservations().keys()]).not.toContain(first.port);

    const states = recordStates(manager, () => crashing.engineId);
    process.kill(crashing.pid as number, 'SIGKILL');
    await waitFor(() => states.some((state) => state.to === 'RUNNING'));
    const restarted = manager.getEngine(crashing.engineId);
    expect(restarted).toMatchObject({
      engineId: crashing.engineId,
      port: crashing.port,
      restartCount: 1,
      status: 'RUNNING',
    });
    expect(restarted.pid).not.toBe(crashing.pid);
    expect(restarted.command).toContain(String(crashing.port));
  });

  it('moves a restarted engine to another port when its port was taken while it was down', async () => {
    const manager = createManager(temporaryStateDir(), { restartBackoffBaseMs: 500 });
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(engine.engineId);
    process.kill(engine.pid as number, 'SIGKILL');
    const squatter = createServer();
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          squatter.once('error', () => resolve(false));
          squatter.listen(engine.port, '127.0.0.1', () => resolve(true));
        }),
    );
    try {
      await waitFor(
        () =>
          manager.getEngine(engine.engineId).status === 'RUNNING' &&
          manager.getEngine(engine.engineId).restartCount === 1,
      );
      const moved = manager.getEngine(engine.engineId);
      expect(moved.port).not.toBe(engine.port);
      expect(partsFor(manager).ports.reservations().has(engine.port)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it('marks an engine FAILED when its fixed port stays taken, retrying each relaunch with backoff', async () => {
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', {
      backend: 'fake',
      useGpu: false,
      port: 27090,
    });
    await manager.waitForEngine(engine.engineId);
    process.kill(engine.pid as number, 'SIGKILL');
    const squatter = createServer();
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          squatter.once('error', () => resolve(false));
          squatter.listen(27090, '127.0.0.1', () => resolve(true));
        }),
    );
    try {
      await waitFor(() => manager.getEngine(engine.engineId).status === 'FAILED');
      const failed = manager.getEngine(engine.engineId);
      expect(failed.lastError).toMatch(/relaunch failed: .*27090/);
      expect(partsFor(manager).ports.reservations().has(27090)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it('refuses a manual restart during an automatic one without cancelling it', async () => {
    const manager = createManager(temporaryStateDir(), { restartBackoffBaseMs: 1000 });
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(engine.engineId);
    process.kill(engine.pid as number, 'SIGKILL');
    await waitFor(() => manager.getEngine(engine.engineId).status === 'RESTARTING');
    await expect(manager.restartEngine(engine.engineId)).rejects.toThrow(
      /RESTARTING does not allow 'restart'/,
    );
    await manager.waitForEngine(engine.engineId, { timeoutMs: 10_000 });
    expect(manager.getEngine(engine.engineId).restartCount).toBe(1);
  });

  it('credits the GPU memory of a running engine’s process to its reservation (the executor locates it)', async () => {
    const uuid = 'GPU-aaaa';
    const gib = 1024;
    const nvidiaSmi = {
      gpus: [`0, ${uuid}, Test GPU, ${80 * gib}, ${1 * gib}, ${79 * gib}, 5`],
      apps: [] as string[],
    };
    const manager = createManager(temporaryStateDir(), {
      gpu: new GPUResourceManager({
        env: {},
        runNvidiaSmi: async (args) =>
          (args[0]?.startsWith('--query-gpu') ? nvidiaSmi.gpus : nvidiaSmi.apps).join('\n'),
        processGroupOf: (pid) => pid,
        cacheMs: 0,
      }),
    });
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: true });
    const running = await manager.waitForEngine(engine.engineId, { timeoutMs: 10_000 });
    const [before] = await manager.getGpuStatus();
    const reservedGb = before?.memoryReservedGb ?? 0;
    expect(reservedGb).toBeGreaterThan(0);
    // The engine loads half its reservation: the driver's used memory grows by as much, and
    // nvidia-smi lists the engine's pid. Counted once, free memory does not move; a gateway
    // that did not know the engine's process would count it twice (free drops by the load).
    const loadedGb = reservedGb / 2;
    nvidiaSmi.gpus = [
      `0, ${uuid}, Test GPU, ${80 * gib}, ${(1 + loadedGb) * gib}, ${(79 - loadedGb) * gib}, 40`,
    ];
    nvidiaSmi.apps = [`${running.pid}, ${uuid}, ${loadedGb * gib}`];
    const [after] = await manager.getGpuStatus();
    expect(after?.memoryFreeGb).toBeCloseTo(before?.memoryFreeGb ?? Number.NaN, 2);
    expect(after?.engineIds).toEqual([engine.engineId]);
  });

  it('marks a crash-looping engine FAILED after maxRestartAttempts, with its log tail, and frees its port and GPU', async () => {
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/broken', {
      backend: 'fake',
      useGpu: true,
      extraArgs: ['--exit-at-start', '1'],
    });
    expect(engine.gpuIds).toHaveLength(1);
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 15_000 })).rejects.toThrow(/FAILED/);
    const failed = manager.getEngine(engine.engineId);
    expect(failed.status).toBe('FAILED');
    expect(failed.restartCount).toBe(2);
    expect(failed.lastExitCode).toBe(1);
    expect(failed.lastError).toMatch(/gave up after 2 restart attempt/);
    expect(failed.lastError).toMatch(/refusing to start/);
    expect(partsFor(manager).ports.reservations().has(engine.port)).toBe(false);
    const gpus = await manager.getGpuStatus();
    expect(gpus.every((gpu) => gpu.memoryReservedGb === 0)).toBe(true);
  });

  it.each([
    ['llm', undefined, true],
    ['llm', true, true],
    ['llm', false, false],
    ['embedding', undefined, false],
    ['embedding', true, true],
    ['embedding', false, false],
  ] as const)(
    '%s engine with useGpu=%s gets a GPU: %s (GPU mock mode)',
    async (engineKind, useGpu, expectGpu) => {
      const manager = createManager(temporaryStateDir());
      await manager.start();
      const engine = await manager.requestEngineStartup('fake/model', {
        backend: 'fake',
        engineKind,
        useGpu,
        requiredMemoryGb: 2,
      });
      expect(engine.gpuIds.length > 0).toBe(expectGpu);
      expect(engine.device).toBe(expectGpu ? 'cuda' : 'cpu');
      expect(engine.env.CUDA_VISIBLE_DEVICES).toBe(expectGpu ? engine.gpuIds.join(',') : '');
      const deviceFlag = engine.command[engine.command.indexOf('--device') + 1];
      expect(deviceFlag).toBe(expectGpu ? 'cuda' : 'cpu');
    },
  );

  it('refuses a backend whose program is missing with a clear error, not a crash loop', async () => {
    const manager = createManager(temporaryStateDir(), {
      customBackends: [
        fakeBackend,
        createCustomBackend({ name: 'ghost', command: ['/nonexistent/ghost-engine', '{port}'] }),
      ],
    });
    await manager.start();
    await expect(manager.requestEngineStartup('x', { backend: 'ghost', useGpu: false })).rejects.toThrow(
      BackendUnavailableError,
    );
    await expect(manager.requestEngineStartup('x', { backend: 'ghost', useGpu: false })).rejects.toThrow(
      /program '\/nonexistent\/ghost-engine' was not found/,
    );
    expect(manager.listEngines()).toHaveLength(0);
  });

  it('stops an engine, releases its port, and prunes it', async () => {
    const manager = createManager(temporaryStateDir());
    await manager.start();
    const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(engine.engineId);
    const stopped = await manager.requestEngineShutdown(engine.engineId, { drain: true });
    expect(stopped.status).toBe('STOPPED');
    expect(isPidAlive(engine.pid as number)).toBe(false);
    expect(partsFor(manager).ports.reservations().has(engine.port)).toBe(false);
    expect(await manager.pruneEngines()).toEqual([engine.engineId]);
    expect(manager.listEngines()).toEqual([]);
  });

  it('a new manager over the same state directory adopts live engines without duplicates and forgets stopped ones', async () => {
    const stateDir = temporaryStateDir();
    const first = createManager(stateDir);
    await first.start();
    const kept = await first.requestEngineStartup('fake/kept', {
      backend: 'fake',
      useGpu: true,
      requiredMemoryGb: 4,
    });
    const stopped = await first.requestEngineStartup('fake/stopped', { backend: 'fake', useGpu: false });
    await first.waitForEngine(kept.engineId);
    await first.waitForEngine(stopped.engineId);
    await first.requestEngineShutdown(stopped.engineId);
    await first.close({ stopEngines: false });
    managers.splice(managers.indexOf(first), 1);
    expect(isPidAlive(kept.pid as number)).toBe(true);

    const second = createManager(stateDir);
    await second.start();
    await second.waitForEngine(kept.engineId);
    const engines = second.listEngines();
    expect(engines.map((engine) => engine.engineId)).toEqual([kept.engineId]);
    expect(engines[0]).toMatchObject({
      pid: kept.pid,
      port: kept.port,
      gpuIds: kept.gpuIds,
      status: 'RUNNING',
    });
    const gpus = await second.getGpuStatus();
    expect(gpus.reduce((sum, gpu) => sum + gpu.memoryReservedGb, 0)).toBe(4);
  });

  it('a new manager restarts a wanted engine that died while no gateway was watching, under the same id', async () => {
    const stateDir = temporaryStateDir();
    const first = createManager(stateDir);
    await first.start();
    const engine = await first.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await first.waitForEngine(engine.engineId);
    await first.close({ stopEngines: false });
    managers.splice(managers.indexOf(first), 1);
    process.kill(engine.pid as number, 'SIGKILL');
    await waitFor(() => !isPidAlive(engine.pid as number));

    const second = createManager(stateDir);
    await second.start();
    const running = await second.waitForEngine(engine.engineId);
    expect(running.pid).not.toBe(engine.pid);
    expect(running.port).toBe(engine.port);
    expect(second.listEngines()).toHaveLength(1);
  });

  it('a new manager restarts such an engine on its old port even when a lower candidate port is free', async () => {
    const stateDir = temporaryStateDir();
    const first = createManager(stateDir);
    await first.start();
    const lower = await first.requestEngineStartup('fake/lower', { backend: 'fake', useGpu: false });
    const engine = await first.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
    await first.waitForEngine(lower.engineId);
    await first.waitForEngine(engine.engineId);
    expect(engine.port).toBeGreaterThan(lower.port);
    await first.requestEngineShutdown(lower.engineId);
    await first.close({ stopEngines: false });
    managers.splice(managers.indexOf(first), 1);
    process.kill(engine.pid as number, 'SIGKILL');
    await waitFor(() => !isPidAlive(engine.pid as number));

    const second = createManager(stateDir);
    await second.start();
    const running = await second.waitForEngine(engine.engineId);
    expect(running).toMatchObject({ engineId: engine.engineId, port: engine.port, status: 'RUNNING' });
    expect(running.pid).not.toBe(engine.pid);
  });
});

import { FAKE_ENGINE_FLAGS } from '@sage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import { isPidAlive } from '../src/lifecycle/process-tree.js';
import type { ControlPlaneParts } from '../src/manager/control-plane.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import type { ControlPlaneManagerOptions } from '../src/manager/control-plane-options.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { fakeBackend, temporaryStateDir, testPortRange, waitFor } from './fake-engine-backend.js';

const gpuEnv = { ...process.env, SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: '0' };
const managers: ControlPlaneManager[] = [];
/** The managers' parts (options.exposeParts), for assertions on ports, GPUs and processes. */
const partsOf = new WeakMap<ControlPlaneManager, ControlPlaneParts>();
const partsFor = (manager: ControlPlaneManager): ControlPlaneParts =>
  partsOf.get(manager) as ControlPlaneParts;

async function startManager(options: Partial<ControlPlaneManagerOptions> = {}) {
  const stateDir = temporaryStateDir();
  let parts: ControlPlaneParts | undefined;
  const manager = new ControlPlaneManager({
    stateDir,
    exposeParts: (exposed) => {
      parts = exposed;
    },
    env: gpuEnv,
    gpu: new GPUResourceManager({ env: gpuEnv }),
    ports: new PortAllocator({ stateDir, ...testPortRange(5) }),
    customBackends: [fakeBackend],
    allowedExtraArgs: { fake: FAKE_ENGINE_FLAGS },
    healthCheckIntervalMs: 100,
    readinessPollMs: 20,
    restartBackoffBaseMs: 50,
    processSampleIntervalMs: 50,
    stopTimeoutMs: 1000,
    startupTimeoutMs: 20_000,
    ...options,
  });
  managers.push(manager);
  if (parts) partsOf.set(manager, parts);
  await manager.start();
  return manager;
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
});

/** A fake engine that stays loading (/health 503) while its resident memory climbs. */
const LEAKY_LOAD = ['--slow-start-ms', '60000', '--grow-memory-mb-per-s', '150', '--spawn-child'];

describe('memory bounds while an engine loads', () => {
  it('an engine whose process tree passes the configured cap is stopped and FAILED (out_of_memory), not restarted', async () => {
    const manager = await startManager({ engineMemoryCapMb: 160 });
    const engine = await manager.requestEngineStartup('fake/leaky', {
      backend: 'fake',
      useGpu: false,
      extraArgs: LEAKY_LOAD,
    });
    await waitFor(() => manager.getEngine(engine.engineId).status === 'FAILED', 15_000);
    const failed = manager.getEngine(engine.engineId);
    expect(failed.lastExitClass).toBe('out_of_memory');
    expect(failed.lastError).toMatch(
      /^memory bound: the engine's processes hold \d+ MB resident, past the cap of 160 MB \(engines\.memory_cap_mb\)/,
    );
    expect(Number(/hold (\d+) MB/.exec(failed.lastError ?? '')?.[1])).toBeGreaterThan(160);
    expect(failed.restartCount).toBe(0);
    expect(failed.pid).toBeNull();
    expect(isPidAlive(engine.pid as number)).toBe(false);
    expect(await partsFor(manager).lifecycle.list()).toEqual([]);
  });

  it('an engine on the CPU is bound by its own required_memory_gb', async () => {
    const manager = await startManager();
    const engine = await manager.requestEngineStartup('fake/leaky', {
      backend: 'fake',
      useGpu: false,
      requiredMemoryGb: 0.15,
      extraArgs: LEAKY_LOAD,
    });
    await waitFor(() => manager.getEngine(engine.engineId).status === 'FAILED', 15_000);
    const failed = manager.getEngine(engine.engineId);
    expect(failed.lastExitClass).toBe('out_of_memory');
    expect(failed.lastError).toMatch(/past its reservation of 0\.15 GB \(required_memory_gb\)/);
  });

  it('an engine within its cap loads and runs', async () => {
    const manager = await startManager({ engineMemoryCapMb: 1024 });
    const engine = await manager.requestEngineStartup('fake/fits', { backend: 'fake', useGpu: false });
    await manager.waitForEngine(engine.engineId, { timeoutMs: 10_000 });
    // Several samples later it still runs.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(manager.getEngine(engine.engineId)).toMatchObject({ status: 'RUNNING', lastExitClass: null });
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { temporaryStateDir, testPortRange } from './fake-engine-backend.js';

// The real Node engine (packages/engine, built by `pnpm build`) with the bundled tiny models.
const env = {
  ...process.env,
  SAGE_DISABLE_NVML: '1',
  SAGE_GPU_MOCK_COUNT: '1',
  SAGE_GPU_MOCK_MEMORY_GB: '24',
};
const stateDir = temporaryStateDir();
const manager = new ControlPlaneManager({
  stateDir,
  env,
  gpu: new GPUResourceManager({ env }),
  ports: new PortAllocator({ stateDir, ...testPortRange(3) }),
  healthCheckIntervalMs: 500,
  readinessPollMs: 50,
  restartBackoffBaseMs: 100,
  stopTimeoutMs: 5_000,
});

afterAll(() => manager.close());

describe('the control plane running sage engines with the tiny models', () => {
  it.each([
    ['sage/tiny-chat', 'llm'],
    ['sage/tiny-embed', 'embedding'],
  ] as const)(
    'starts %s (%s) on CPU and reports it RUNNING after a healthy check',
    async (model, engineKind) => {
      await manager.start();
      const engine = await manager.requestEngineStartup(model, { engineKind, useGpu: false });
      expect(engine.backend).toBe('sage');
      expect(engine.command[engine.command.indexOf('--device') + 1]).toBe('cpu');
      expect(engine.env.CUDA_VISIBLE_DEVICES).toBe('');
      const running = await manager.waitForEngine(engine.engineId, { timeoutMs: 60_000 });
      expect(running.status).toBe('RUNNING');
      const response = await fetch(`http://${running.host}:${running.port}/v1/models`);
      expect(((await response.json()) as { data: Array<{ id: string }> }).data[0]?.id).toBe(model);
    },
  );

  it('with useGpu in GPU mock mode passes --device cuda, and the engine fails with the CUDA message without retrying', async () => {
    await manager.start();
    const engine = await manager.requestEngineStartup('sage/tiny-embed', {
      engineKind: 'embedding',
      useGpu: true,
    });
    expect(engine.gpuIds).toEqual([0]);
    expect(engine.command[engine.command.indexOf('--device') + 1]).toBe('cuda');
    expect(engine.env.CUDA_VISIBLE_DEVICES).toBe('0');
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 60_000 })).rejects.toThrow(/FAILED/);
    const failed = manager.getEngine(engine.engineId);
    expect(failed.restartCount).toBe(0);
    expect(failed.lastExitCode).toBe(78);
    expect(failed.lastExitClass).toBe('not_startable');
    expect(failed.lastError).toMatch(/CUDA is unavailable/);
    expect(failed.gpuIds).toEqual([0]);
    const gpus = await manager.getGpuStatus();
    expect(gpus[0]?.memoryReservedGb).toBe(0);
  });

  it('marks an engine whose .gguf is garbage after a valid header FAILED at once, with the reason, without restarts', async () => {
    await manager.start();
    // Under <stateDir>/models: model paths must lie in an allowed model directory.
    mkdirSync(join(stateDir, 'models'), { recursive: true });
    const path = join(stateDir, 'models', 'garbage.gguf');
    const bytes = Buffer.alloc(16 * 1024 * 1024, 0x5a);
    bytes.write('GGUF', 0, 'ascii');
    bytes.writeUInt32LE(3, 4);
    writeFileSync(path, bytes);
    const started = Date.now();
    const engine = await manager.requestEngineStartup(path, { useGpu: false });
    expect(engine.backend).toBe('sage');
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 60_000 })).rejects.toThrow(/FAILED/);
    // Well before the 120 s start-up timeout and with no restart in between.
    expect(Date.now() - started).toBeLessThan(30_000);
    const failed = manager.getEngine(engine.engineId);
    expect(failed).toMatchObject({ restartCount: 0, lastExitCode: 65, lastExitClass: 'not_startable' });
    expect(failed.lastError).toMatch(/cannot start as configured, not retrying/);
    expect(failed.lastError).toContain(`model file ${path} cannot be loaded`);
  });
});

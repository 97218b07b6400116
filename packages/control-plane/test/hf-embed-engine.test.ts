import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { temporaryStateDir, testPortRange } from './fake-engine-backend.js';

// The Python embedding server needs torch + transformers, which CI does not have: there it must
// fail fast with a clear message instead of crash-looping. Where torch exists this is skipped.
const hasTorch = spawnSync('python3', ['-c', 'import torch, transformers'], { stdio: 'ignore' }).status === 0;
const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

const env = { ...process.env, SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: '0' };
const stateDir = temporaryStateDir();
const manager = new ControlPlaneManager({
  stateDir,
  env,
  gpu: new GPUResourceManager({ env }),
  ports: new PortAllocator({ stateDir, ...testPortRange(4) }),
  readinessPollMs: 50,
  restartBackoffBaseMs: 100,
});
afterAll(() => manager.close());

describe.skipIf(hasTorch || !hasPython)('hf-embed on a host without torch', () => {
  it('ends FAILED at once with the install hint, without retrying', async () => {
    await manager.start();
    const engine = await manager.requestEngineStartup('BAAI/bge-m3', { engineKind: 'embedding' });
    expect(engine).toMatchObject({ backend: 'hf-embed', device: 'cpu', gpuIds: [] });
    expect(engine.command[engine.command.indexOf('--device') + 1]).toBe('cpu');
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 30_000 })).rejects.toThrow(/FAILED/);
    const failed = manager.getEngine(engine.engineId);
    expect(failed.restartCount).toBe(0);
    expect(failed.lastExitCode).toBe(78);
    expect(failed.lastError).toMatch(/torch and transformers are required/);
  });
});

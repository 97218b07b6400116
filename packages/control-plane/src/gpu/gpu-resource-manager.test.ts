import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InsufficientGpuMemoryError } from '../errors.js';
import { GPUResourceManager, type GPUResourceManagerOptions } from './gpu-resource-manager.js';

function mockManager(count: number, memoryGb = 24): GPUResourceManager {
  return new GPUResourceManager({
    env: {
      SAGE_DISABLE_NVML: '1',
      SAGE_GPU_MOCK_COUNT: String(count),
      SAGE_GPU_MOCK_MEMORY_GB: String(memoryGb),
    },
  });
}

const GIB = 1024;

/** A fake nvidia-smi: answers the GPU and compute-apps queries from the given rows. */
function fakeNvidiaSmi(state: { gpus: string[]; apps: string[] }, calls: string[][] = []) {
  return async (args: string[]): Promise<string> => {
    calls.push(args);
    return (args[0]!.startsWith('--query-gpu') ? state.gpus : state.apps).join('\n');
  };
}

function realManager(state: { gpus: string[]; apps: string[] }, options: GPUResourceManagerOptions = {}) {
  return new GPUResourceManager({ env: {}, runNvidiaSmi: fakeNvidiaSmi(state), cacheMs: 0, ...options });
}

describe('GPUResourceManager in mock mode', () => {
  it('reports SAGE_GPU_MOCK_COUNT idle GPUs of SAGE_GPU_MOCK_MEMORY_GB', async () => {
    const gpus = mockManager(2, 40);
    expect(gpus.mock).toBe(true);
    expect(await gpus.getSystemStatus()).toEqual(
      [0, 1].map((index) => ({
        index,
        name: 'Mock GPU',
        uuid: `MOCK-GPU-${index}`,
        memoryTotalGb: 40,
        memoryUsedGb: 0,
        memoryReservedGb: 0,
        memoryFreeGb: 40,
        utilizationPercent: null,
        engineIds: [],
        mock: true,
      })),
    );
  });

  it('defaults to no GPUs of 24 GB when only SAGE_DISABLE_NVML is set', async () => {
    expect(await new GPUResourceManager({ env: { SAGE_DISABLE_NVML: '1' } }).getSystemStatus()).toEqual([]);
    const one = new GPUResourceManager({ env: { SAGE_DISABLE_NVML: 'true', SAGE_GPU_MOCK_COUNT: '1' } });
    expect((await one.getSystemStatus())[0]?.memoryTotalGb).toBe(24);
  });

  it('is in mock mode when nvidia-smi is not on PATH', () => {
    expect(new GPUResourceManager({ env: { PATH: '/nonexistent' } }).mock).toBe(true);
  });

  it('rejects an invalid SAGE_GPU_MOCK_COUNT', () => {
    expect(
      () => new GPUResourceManager({ env: { SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: 'two' } }),
    ).toThrow(/SAGE_GPU_MOCK_COUNT/);
  });

  it('allocates, shows the reservation and engine, and releases it', async () => {
    const gpus = mockManager(1, 24);
    expect(await gpus.allocateResources(10, 1, { owner: 'engine-1' })).toEqual([0]);
    expect(await gpus.getSystemStatus()).toMatchObject([
      { memoryReservedGb: 10, memoryFreeGb: 14, engineIds: ['engine-1'] },
    ]);
    expect(await gpus.checkResourceAvailability(15, 1)).toBe(false);
    gpus.releaseResources('engine-1');
    expect(await gpus.getSystemStatus()).toMatchObject([
      { memoryReservedGb: 0, memoryFreeGb: 24, engineIds: [] },
    ]);
    expect(await gpus.checkResourceAvailability(15, 1)).toBe(true);
  });

  it('picks the best fit: the GPUs with the least free memory that still fit', async () => {
    const gpus = mockManager(3, 24);
    await gpus.allocateResources(20, 1, { owner: 'big' }); // GPU 0: 4 free
    await gpus.allocateResources(10, 1, { owner: 'medium' }); // GPU 1: 14 free
    expect(await gpus.allocateResources(3, 1, { owner: 'tiny' })).toEqual([0]);
    expect(await gpus.allocateResources(12, 1, { owner: 'twelve' })).toEqual([1]);
    expect(await gpus.allocateResources(20, 1, { owner: 'large' })).toEqual([2]);
  });

  it('spreads a tensor-parallel engine over several GPUs', async () => {
    const gpus = mockManager(4, 24);
    await gpus.allocateResources(20, 1, { owner: 'a' });
    expect(await gpus.allocateResources(12, 2, { owner: 'tp2' })).toEqual([1, 2]);
  });

  it('honours explicit pinning and refuses a pinned GPU that lacks memory or does not exist', async () => {
    const gpus = mockManager(2, 24);
    expect(await gpus.allocateResources(10, 1, { owner: 'a', gpuIds: [1] })).toEqual([1]);
    await expect(gpus.allocateResources(20, 1, { owner: 'b', gpuIds: [1] })).rejects.toThrow(
      /pinned GPU 1 has 14\.0 GB free/,
    );
    await expect(gpus.allocateResources(1, 1, { owner: 'c', gpuIds: [5] })).rejects.toThrow(
      /pinned GPU 5 does not exist \(GPUs: 0, 1\)/,
    );
    await expect(gpus.allocateResources(1, 2, { owner: 'd', gpuIds: [0] })).rejects.toThrow(
      /gpu_ids names 1/,
    );
  });

  it('names what was asked and what is free per GPU when memory is short', async () => {
    const gpus = mockManager(2, 24);
    await gpus.allocateResources(20, 1, { owner: 'a' });
    const error = await gpus.allocateResources(30, 1, { owner: 'b' }).catch((caught) => caught);
    expect(InsufficientGpuMemoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ requestedGb: 30, gpuCount: 1, freeGb: { 0: 4, 1: 24 } });
    expect((error as Error).message).toMatch(/30\.0 GB each; free: GPU 0: 4\.0 GB, GPU 1: 24\.0 GB/);
  });

  it('fails clearly when an engine needs a GPU and mock mode has none', async () => {
    const gpus = mockManager(0);
    const error = await gpus.allocateResources(1, 1, { owner: 'a' }).catch((caught) => caught);
    expect(InsufficientGpuMemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no GPUs.*SAGE_GPU_MOCK_COUNT/);
    expect(await gpus.allocateResources(1, 0, { owner: 'cpu' })).toEqual([]);
  });

  it('serializes concurrent allocations so they cannot over-commit a GPU', async () => {
    const gpus = mockManager(1, 24);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) => gpus.allocateResources(10, 1, { owner: `engine-${index}` })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    expect((await gpus.getSystemStatus())[0]?.memoryReservedGb).toBe(20);
  });

  it('replaces an owner’s previous reservation and keeps it when the new one fails', async () => {
    const gpus = mockManager(1, 24);
    await gpus.allocateResources(20, 1, { owner: 'engine-1' });
    expect(await gpus.allocateResources(22, 1, { owner: 'engine-1' })).toEqual([0]);
    await expect(gpus.allocateResources(30, 1, { owner: 'engine-1' })).rejects.toThrow(/insufficient/);
    expect(gpus.reservationOf('engine-1')).toMatchObject({ gpuIds: [0], gbPerGpu: 22 });
  });

  it('restores an adopted engine’s reservation without checks', async () => {
    const gpus = mockManager(1, 24);
    gpus.restoreReservation('adopted', [0], 30);
    expect(await gpus.getSystemStatus()).toMatchObject([
      { memoryReservedGb: 30, memoryFreeGb: 0, engineIds: ['adopted'] },
    ]);
  });

  it('estimates embedding models small, LLMs with tp, and a local .gguf by its size', async () => {
    const gpus = mockManager(0);
    expect(gpus.estimateModelMemory('BAAI/bge-m3')).toBe(3);
    expect(gpus.estimateModelMemory('Qwen/Qwen2.5-7B-Instruct', 2)).toBe(12);
    const directory = await mkdtemp(join(tmpdir(), 'sage-gguf-'));
    try {
      const path = join(directory, 'model-7b.gguf');
      await writeFile(path, Buffer.alloc(10 * 1024 ** 2));
      expect(gpus.estimateModelMemory(path)).toBe(0.26);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('GPUResourceManager with nvidia-smi', () => {
  const uuid = 'GPU-aaaa';

  it('reads GPUs from nvidia-smi output (the real H100 capture)', async () => {
    const gpus = realManager({
      gpus: ['0, GPU-dee1bd47-88a1-48d4-0eb1-cd6187511504, NVIDIA H100 80GB HBM3, 81559, 0, 81079, 0'],
      apps: [],
    });
    expect(gpus.mock).toBe(false);
    expect(await gpus.getSystemStatus()).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-dee1bd47-88a1-48d4-0eb1-cd6187511504',
        memoryTotalGb: 79.65,
        memoryUsedGb: 0,
        memoryReservedGb: 0,
        memoryFreeGb: 79.18,
        utilizationPercent: 0,
        engineIds: [],
        mock: false,
      },
    ]);
  });

  it('counts an engine’s memory once after it loads (reservation reconciled with per-process usage)', async () => {
    const state = {
      gpus: [`0, ${uuid}, Test GPU, ${80 * GIB}, ${1 * GIB}, ${79 * GIB}, 5`],
      apps: [] as string[],
    };
    const engineGroup = 4242;
    const gpus = realManager(state, {
      processGroupOf: (pid) => (pid === 4242 || pid === 4243 ? engineGroup : null),
    });
    await gpus.allocateResources(20, 1, { owner: 'engine-1' });
    gpus.locateProcesses((owner) => (owner === 'engine-1' ? 4242 : null));
    // Before loading: 80 total − 1 used − 20 reserved.
    expect(await gpus.getSystemStatus()).toMatchObject([{ memoryFreeGb: 59, memoryReservedGb: 20 }]);

    // Loaded: a worker in the engine's process group holds 18 GB; the driver now reports 19 used.
    state.gpus = [`0, ${uuid}, Test GPU, ${80 * GIB}, ${19 * GIB}, ${61 * GIB}, 40`];
    state.apps = [`4243, ${uuid}, ${18 * GIB}`, `9999, ${uuid}, ${1 * GIB}`];
    expect(await gpus.getSystemStatus()).toMatchObject([
      { memoryUsedGb: 19, memoryReservedGb: 20, memoryFreeGb: 59, engineIds: ['engine-1'] },
    ]);

    // Fully loaded beyond its reservation: nothing outstanding, free = total − used.
    state.gpus = [`0, ${uuid}, Test GPU, ${80 * GIB}, ${23 * GIB}, ${57 * GIB}, 90`];
    state.apps = [`4243, ${uuid}, ${22 * GIB}`, `9999, ${uuid}, ${1 * GIB}`];
    expect(await gpus.getSystemStatus()).toMatchObject([{ memoryFreeGb: 57 }]);
  });

  it('does not credit processes of another group or another GPU to a reservation', async () => {
    const gpus = realManager(
      {
        gpus: [
          `0, ${uuid}, Test GPU, ${80 * GIB}, ${10 * GIB}, ${70 * GIB}, 5`,
          `1, GPU-bbbb, Test GPU, ${80 * GIB}, 0, ${80 * GIB}, 0`,
        ],
        apps: [`5000, ${uuid}, ${10 * GIB}`, `4242, GPU-bbbb, 0`],
      },
      { processGroupOf: (pid) => pid },
    );
    await gpus.allocateResources(20, 1, { owner: 'engine-1', gpuIds: [0] });
    gpus.locateProcesses((owner) => (owner === 'engine-1' ? 4242 : null));
    expect((await gpus.getSystemStatus())[0]).toMatchObject({ memoryFreeGb: 50 });
  });

  it('caches nvidia-smi output for cacheMs so hot paths do not fork it every call', async () => {
    const calls: string[][] = [];
    let now = 0;
    const gpus = new GPUResourceManager({
      env: {},
      runNvidiaSmi: fakeNvidiaSmi({ gpus: [`0, ${uuid}, Test GPU, 1024, 0, 1024, 0`], apps: [] }, calls),
      cacheMs: 1000,
      now: () => now,
    });
    await Promise.all([gpus.getSystemStatus(), gpus.checkResourceAvailability(1, 1)]);
    now = 999;
    await gpus.getSystemStatus();
    expect(calls).toHaveLength(2);
    now = 1000;
    await gpus.getSystemStatus();
    expect(calls).toHaveLength(4);
  });

  it('falls back to mock mode when nvidia-smi turns out to be missing', async () => {
    const gpus = new GPUResourceManager({
      env: {},
      runNvidiaSmi: async () => {
        throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' });
      },
    });
    expect(await gpus.getSystemStatus()).toEqual([]);
    expect(gpus.mock).toBe(true);
  });

  it('reports other nvidia-smi failures and retries on the next call', async () => {
    let fail = true;
    const gpus = new GPUResourceManager({
      env: {},
      runNvidiaSmi: async (args) => {
        if (fail)
          throw new Error("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver");
        return args[0]!.startsWith('--query-gpu') ? `0, ${uuid}, Test GPU, 1024, 0, 1024, 0` : '';
      },
    });
    await expect(gpus.getSystemStatus()).rejects.toThrow(/nvidia-smi failed: .*NVIDIA driver/);
    fail = false;
    expect(await gpus.getSystemStatus()).toHaveLength(1);
  });
});

import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { ENV, type EngineKind, type GpuStatus, ValidationError } from '@sage/protocol';
import { hostProcessTable } from '../lifecycle/proc-table.js';
import { chooseGpus } from './gpu-best-fit.js';
import {
  type GpuReservation,
  type ObservedGpu,
  observedGpuFromNvidiaSmi,
  reconcileGpuStatus,
} from './gpu-reconciliation.js';
import { readLocalModelFacts } from './local-model-facts.js';
import { estimateModelMemory } from './memory-estimate.js';
import { type MockGpuSettings, mockGpus, readMockGpuSettings } from './mock-gpus.js';
import { isNvidiaSmiOnPath, isProgramMissing, runNvidiaSmi } from './nvidia-smi-command.js';
import {
  computeAppsQueryArgs,
  gpuQueryArgs,
  type NvidiaSmiComputeApp,
  parseComputeAppsQuery,
  parseGpuQuery,
} from './nvidia-smi-parser.js';
import { SerialQueue } from './serial-queue.js';

export interface GPUResourceManagerOptions {
  /** Environment to read the mock settings from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Runs nvidia-smi with an argv array and returns stdout (default: execa). When given, nvidia-smi
   * counts as present.
   */
  runNvidiaSmi?: (args: string[]) => Promise<string>;
  /** Process group of a pid (default: `/proc/<pid>/stat` field 5). */
  processGroupOf?: (pid: number) => number | null;
  /**
   * GPUs an executor places on instead of this host's (Kubernetes: one per allocatable
   * `nvidia.com/gpu` of each node). Each is a whole device: an engine placed on it has it alone,
   * as the device plugin assigns it; memory is as labelled (0 when no label says).
   */
  inventory?: () => Promise<readonly InventoryGpu[]>;
  /** How long one nvidia-smi observation is reused, in ms (default 1000). */
  cacheMs?: number;
  /** Clock for the cache (default `Date.now`). */
  now?: () => number;
}

/** A GPU of an executor's inventory (the executor's `ExecutorGpu`). */
export interface InventoryGpu {
  index: number;
  node?: string | undefined;
  memoryTotalGb?: number | undefined;
}

interface Observation {
  gpus: ObservedGpu[];
  computeApps: NvidiaSmiComputeApp[];
}

const DEFAULT_CACHE_MS = 1_000;

/**
 * GPU discovery, placement and memory accounting (SPEC sections 3–5). Discovers GPUs with
 * `nvidia-smi` CSV queries, or simulates `SAGE_GPU_MOCK_COUNT` GPUs of `SAGE_GPU_MOCK_MEMORY_GB`
 * when `SAGE_DISABLE_NVML=1` or nvidia-smi is missing. Reservations are best fit, serialized so
 * concurrent allocations cannot over-commit, and reconciled with nvidia-smi's per-process usage so
 * an engine's memory is not counted twice once it has loaded.
 *
 * @example
 * ```ts
 * const gpus = new GPUResourceManager({ env: { SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: '2' } });
 * const gb = gpus.estimateModelMemory('Qwen/Qwen2.5-7B-Instruct'); // 20
 * const gpuIds = await gpus.allocateResources(gb, 1, { owner: 'engine-1' }); // [0]
 * gpus.locateProcesses((owner) => executor.localProcess?.(owner) ?? null);
 * // ... engine stops
 * gpus.releaseResources('engine-1');
 * ```
 */
export class GPUResourceManager {
  readonly #mockSettings: MockGpuSettings;
  #mock: boolean;
  readonly #runNvidiaSmi: (args: string[]) => Promise<string>;
  readonly #inventory: (() => Promise<readonly InventoryGpu[]>) | undefined;
  readonly #processGroupOf: (pid: number) => number | null;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #reservations = new Map<string, GpuReservation>();
  #locateProcess: (owner: string) => number | null = () => null;
  readonly #allocations = new SerialQueue();
  #observation: { at: number; promise: Promise<Observation> } | undefined;

  constructor(options: GPUResourceManagerOptions = {}) {
    const env = options.env ?? process.env;
    this.#mockSettings = readMockGpuSettings(env);
    this.#mock = this.#mockSettings.forced || (options.runNvidiaSmi === undefined && !isNvidiaSmiOnPath(env));
    this.#runNvidiaSmi = options.runNvidiaSmi ?? runNvidiaSmi;
    this.#inventory = options.inventory;
    if (this.#inventory) this.#mock = false;
    this.#processGroupOf = options.processGroupOf ?? ((pid) => hostProcessTable.stat(pid)?.pgid ?? null);
    this.#cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** True when GPUs are simulated (`SAGE_DISABLE_NVML=1`, or nvidia-smi is missing). */
  get mock(): boolean {
    return this.#mock;
  }

  /** Every GPU with its memory (reservations reconciled) and the engines placed on it. */
  async getSystemStatus(): Promise<GpuStatus[]> {
    return this.#status(this.#reservations.values());
  }

  /** Whether `gpuCount` GPUs each have `requiredGbPerGpu` free now. */
  async checkResourceAvailability(requiredGbPerGpu: number, gpuCount: number): Promise<boolean> {
    validateRequest(requiredGbPerGpu, gpuCount);
    if (gpuCount === 0) return true;
    const gpus = this.#placeable(await this.getSystemStatus());
    return gpus.filter((gpu) => gpu.memoryFreeGb + 1e-6 >= requiredGbPerGpu).length >= gpuCount;
  }

  /**
   * Reserve `requiredGbPerGpu` on `gpuCount` GPUs for `owner` and return their indices (best fit,
   * or exactly `gpuIds` when pinned). A previous reservation of the same owner is replaced.
   * Throws `InsufficientGpuMemoryError` naming the request and the free memory per GPU.
   */
  async allocateResources(
    requiredGbPerGpu: number,
    gpuCount: number,
    options: { owner: string; gpuIds?: number[] | undefined },
  ): Promise<number[]> {
    validateRequest(requiredGbPerGpu, gpuCount);
    const pinned = options.gpuIds !== undefined && options.gpuIds.length > 0 ? options.gpuIds : undefined;
    if (pinned !== undefined) validatePinned(pinned, gpuCount);
    return this.#allocations.run(async () => {
      if (gpuCount === 0) {
        this.#reservations.delete(options.owner);
        return [];
      }
      const others = [...this.#reservations.values()].filter((entry) => entry.owner !== options.owner);
      const gpuIds = chooseGpus({
        gpus: this.#placeable(await this.#status(others)),
        requiredGbPerGpu,
        gpuCount,
        pinnedGpuIds: pinned,
        noGpusHint: this.#inventory
          ? 'no node of the cluster has allocatable nvidia.com/gpu'
          : this.#mock
            ? `GPU mock mode with ${this.#mockSettings.count} mock GPUs; set ${ENV.gpuMockCount} to simulate some`
            : 'nvidia-smi lists none',
      });
      this.#reservations.set(options.owner, { owner: options.owner, gpuIds, gbPerGpu: requiredGbPerGpu });
      return gpuIds;
    });
  }

  /** Record the reservation of an adopted engine as it was, without checks. */
  restoreReservation(owner: string, gpuIds: number[], gbPerGpu: number): void {
    this.#reservations.set(owner, { owner, gpuIds: [...gpuIds], gbPerGpu });
  }

  /**
   * How to find an owner's engine process on this host (the leader of its process group, or null
   * when it runs elsewhere or not at all), asked whenever GPU status is reconciled with
   * nvidia-smi's per-process usage. The manager passes its executor's `localProcess`.
   */
  locateProcesses(locate: (owner: string) => number | null): void {
    this.#locateProcess = locate;
  }

  /** Drop an owner's reservation (no-op when it has none). */
  releaseResources(owner: string): void {
    this.#reservations.delete(owner);
  }

  /** The owner's current reservation, if any. */
  reservationOf(owner: string): Readonly<GpuReservation> | undefined {
    return this.#reservations.get(owner);
  }

  /**
   * GB per GPU an engine for `modelId` needs (see `estimateModelMemory` in memory-estimate.ts).
   * A local `.gguf` file is sized by its size and header, a local model folder by its weights and
   * `config.json`; a model nothing sizes gets the default, capped by `gpuMemoryTotalGb`.
   */
  estimateModelMemory(
    modelId: string,
    tensorParallelSize = 1,
    options: { engineKind?: EngineKind | undefined; gpuMemoryTotalGb?: number | undefined } = {},
  ): number {
    const path = localPath(modelId);
    return estimateModelMemory(modelId, tensorParallelSize, {
      engineKind: options.engineKind,
      fileSizeBytes: ggufFileSize(path),
      localModel: readLocalModelFacts(path),
      gpuMemoryTotalGb: options.gpuMemoryTotalGb,
    });
  }

  async #status(reservations: Iterable<GpuReservation>): Promise<GpuStatus[]> {
    const observation = await this.#observe();
    const located = [...reservations].map((reservation) => {
      const pid = this.#locateProcess(reservation.owner);
      return pid === null ? reservation : { ...reservation, pid };
    });
    return reconcileGpuStatus({
      ...observation,
      reservations: located,
      processGroupOf: this.#processGroupOf,
      mock: this.#mock,
    });
  }

  /** Inventory GPUs are whole devices: free when no engine holds one, else taken (whatever its memory). */
  #placeable(gpus: GpuStatus[]): GpuStatus[] {
    if (!this.#inventory) return gpus;
    return gpus.map((gpu) => ({
      ...gpu,
      memoryFreeGb: gpu.engineIds.length > 0 ? 0 : Number.POSITIVE_INFINITY,
    }));
  }

  /** One nvidia-smi (or inventory) observation, shared by callers within `cacheMs`. */
  #observe(): Promise<Observation> {
    if (this.#mock) return Promise.resolve({ gpus: mockGpus(this.#mockSettings), computeApps: [] });
    const now = this.#now();
    if (this.#observation !== undefined && now - this.#observation.at < this.#cacheMs) {
      return this.#observation.promise;
    }
    const promise = this.#inventory ? this.#queryInventory(this.#inventory) : this.#queryNvidiaSmi();
    this.#observation = { at: now, promise };
    promise.catch(() => {
      if (this.#observation?.promise === promise) this.#observation = undefined;
    });
    return promise;
  }

  async #queryInventory(inventory: () => Promise<readonly InventoryGpu[]>): Promise<Observation> {
    const gpus = await inventory();
    return {
      gpus: gpus.map((gpu) => {
        const memoryTotalGb = gpu.memoryTotalGb ?? 0;
        return {
          index: gpu.index,
          uuid: null,
          name: gpu.node === undefined ? 'nvidia.com/gpu' : `nvidia.com/gpu on ${gpu.node}`,
          memoryTotalGb,
          memoryUsedGb: 0,
          memoryAvailableGb: memoryTotalGb,
          utilizationPercent: null,
        };
      }),
      computeApps: [],
    };
  }

  async #queryNvidiaSmi(): Promise<Observation> {
    try {
      const [gpuText, appsText] = await Promise.all([
        this.#runNvidiaSmi(gpuQueryArgs()),
        this.#runNvidiaSmi(computeAppsQueryArgs()),
      ]);
      return {
        gpus: parseGpuQuery(gpuText).map(observedGpuFromNvidiaSmi),
        computeApps: parseComputeAppsQuery(appsText),
      };
    } catch (error) {
      if (isProgramMissing(error)) {
        this.#mock = true;
        return { gpus: mockGpus(this.#mockSettings), computeApps: [] };
      }
      throw new Error(`nvidia-smi failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }
}

function validateRequest(requiredGbPerGpu: number, gpuCount: number): void {
  if (!Number.isFinite(requiredGbPerGpu) || requiredGbPerGpu < 0) {
    throw new ValidationError({
      message: `required memory must be a non-negative number of GB, got ${requiredGbPerGpu}`,
      path: 'required_memory_gb',
    });
  }
  if (!Number.isInteger(gpuCount) || gpuCount < 0) {
    throw new ValidationError({ message: `GPU count must be a non-negative integer, got ${gpuCount}` });
  }
}

function validatePinned(gpuIds: readonly number[], gpuCount: number): void {
  if (
    gpuIds.some((index) => !Number.isInteger(index) || index < 0) ||
    new Set(gpuIds).size !== gpuIds.length
  ) {
    throw new ValidationError({
      message: `gpu_ids must be distinct GPU indices, got [${gpuIds.join(', ')}]`,
      path: 'gpu_ids',
    });
  }
  if (gpuIds.length !== gpuCount) {
    throw new ValidationError({
      message: `gpu_ids names ${gpuIds.length} GPU(s) but the engine needs ${gpuCount}`,
      path: 'gpu_ids',
    });
  }
}

/** Size of a local `.gguf` model file, or undefined when the id is not one or it cannot be read. */
function localPath(modelId: string): string {
  return modelId.startsWith('~/') ? resolve(homedir(), modelId.slice(2)) : modelId;
}

function ggufFileSize(path: string): number | undefined {
  if (!path.toLowerCase().endsWith('.gguf')) return undefined;
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

import type { Logger } from 'pino';
import type { BackendRegistry } from '../backends/backend-registry.js';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import { canaryRequest, sleepEngine, wakeEngine } from '../models/engine-sleep-client.js';
import type { EngineRegistry } from '../state/engine-registry.js';

export interface EngineSleeperParts {
  registry: EngineRegistry;
  gpu: GPUResourceManager;
  backends: BackendRegistry;
  /** Resolves when the engine has no request in flight (or the drain timeout passed). */
  waitForDrain: (engineId: string) => Promise<void>;
  /** Stop the engine and release its port and GPUs. */
  stop: (engineId: string) => Promise<void>;
  /** Limit of each sleep, wake and canary call. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * The sleep tier of catalog engines (vLLM's sleep mode, docs/models.md): RUNNING → SLEEPING gives
 * the engine's GPU reservation back and keeps its process and port; SLEEPING → RUNNING takes the
 * reservation again on the same GPUs, wakes the engine and lets traffic in only after a canary
 * request is answered well. Whatever fails, the engine is stopped rather than left half awake.
 */
export class EngineSleeper {
  /** Engines spawned with their backend's sleep mode (in memory: an adopted engine is stopped, not slept). */
  readonly #launchedWithSleep = new Set<string>();

  constructor(private readonly parts: EngineSleeperParts) {}

  /** The launcher spawned `engineId` with (or without) sleep mode. */
  launched(engineId: string, withSleep: boolean): void {
    if (withSleep) this.#launchedWithSleep.add(engineId);
    else this.#launchedWithSleep.delete(engineId);
  }

  forget(engineId: string): void {
    this.#launchedWithSleep.delete(engineId);
  }

  canSleep(engineId: string): boolean {
    const record = this.parts.registry.find(engineId);
    return (
      record?.status === 'RUNNING' &&
      this.#launchedWithSleep.has(engineId) &&
      this.parts.backends.get(record.backend).sleepMode !== undefined
    );
  }

  async sleep(engineId: string): Promise<void> {
    const { registry, gpu, logger } = this.parts;
    const record = registry.get(engineId);
    const mode = this.parts.backends.get(record.backend).sleepMode;
    if (!mode || !this.canSleep(engineId)) {
      await this.parts.stop(engineId);
      return;
    }
    // Before any await: the scheduler sends it nothing new from here on.
    registry.transition(engineId, 'sleep', 'idle: put to sleep');
    try {
      await this.parts.waitForDrain(engineId);
      if (registry.find(engineId)?.status !== 'SLEEPING') return;
      await sleepEngine(record, mode.level, this.parts.timeoutMs);
      gpu.releaseResources(engineId);
      // gpuIds and reservedMemoryGbPerGpu stay on the record: the wake takes the same again.
      registry.update(engineId, { lastError: null });
      logger.info({ engineId, gpuIds: record.gpuIds }, 'engine-sleeping');
    } catch (error) {
      logger.warn({ engineId, err: error }, 'engine-sleep-failed: stopping it instead');
      await this.#stopQuietly(engineId);
    }
  }

  async wake(engineId: string): Promise<void> {
    const { registry, gpu, logger } = this.parts;
    const record = registry.get(engineId);
    if (record.status !== 'SLEEPING') throw new Error(`engine ${engineId} is ${record.status}, not SLEEPING`);
    try {
      if (record.gpuIds.length > 0) {
        await gpu.allocateResources(record.reservedMemoryGbPerGpu, record.gpuIds.length, {
          owner: engineId,
          gpuIds: [...record.gpuIds],
        });
      }
      await wakeEngine(record, this.parts.timeoutMs);
      await canaryRequest(record, record.request.engineKind, record.request.modelId, this.parts.timeoutMs);
      if (registry.find(engineId)?.status !== 'SLEEPING') throw new Error('it was stopped while waking');
      registry.transition(engineId, 'woken', 'woke up and answered its canary request');
      logger.info({ engineId }, 'engine-woken');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn({ engineId, err: error }, 'engine-wake-failed: stopping it');
      registry.update(engineId, { lastError: `wake failed: ${message}` });
      await this.#stopQuietly(engineId);
      throw new Error(`engine ${engineId} could not be woken: ${message}`, { cause: error });
    }
  }

  /** The process of a SLEEPING engine exited: the engine is STOPPED (the next request loads it cold). */
  async exited(engineId: string): Promise<void> {
    await this.#stopQuietly(engineId);
  }

  async #stopQuietly(engineId: string): Promise<void> {
    await this.parts
      .stop(engineId)
      .catch((error: unknown) =>
        this.parts.logger.error({ engineId, err: error }, 'engine could not be stopped'),
      );
  }
}

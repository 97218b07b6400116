import type { EngineStatus } from '@sage/protocol';
import type { CatalogModel } from './catalog-model.js';
import type { PlacementGpu } from './placement-planner.js';

/** One engine as the model layer sees it. */
export interface ModelEngineView {
  engineId: string;
  /** Its catalog model (`metadata.catalog_model`), or null for an engine started by hand. */
  model: string | null;
  status: EngineStatus;
  gpuIds: readonly number[];
  gbPerGpu: number;
  inFlight: number;
  /** Epoch ms the engine was created. */
  createdAt: number;
  lastError: string | null;
}

/**
 * What the model layer may do to engines: the one seam between on-demand models and the rest
 * of the control plane (the manager implements it; unit tests fake it).
 */
export interface ModelEngines {
  list(): readonly ModelEngineView[];
  /** GPUs with free memory counting every reservation. */
  gpus(): Promise<readonly PlacementGpu[]>;
  /** GB per GPU an engine of `model` needs (its `memory_gb`, else an estimate). */
  gbPerGpu(model: CatalogModel, largestGpuGb: number): number;
  /** Start an engine of `model` on `gpuIds` (none: CPU); resolves with its id once it is STARTING. */
  start(model: CatalogModel, placement: { gpuIds: number[]; gbPerGpu: number }): Promise<string>;
  /** Resolves when the engine is RUNNING; rejects with the reason when it ends FAILED or STOPPED. */
  waitRunning(engineId: string): Promise<void>;
  /**
   * Drain and stop an engine. Its state is DRAINING before this returns its promise (no request
   * is dispatched to it after the call), and in-flight requests finish first.
   */
  stop(engineId: string): Promise<void>;
  /** The engine can sleep: RUNNING, started with its backend's sleep mode (docs/models.md). */
  canSleep(engineId: string): boolean;
  /**
   * Put an idle engine to sleep: it is SLEEPING (no new traffic) before this returns its promise,
   * in-flight requests finish first, then the engine sleeps and its GPU reservation is released.
   * An engine that fails to sleep is stopped instead (its memory is free either way).
   */
  sleep(engineId: string): Promise<void>;
  /**
   * Reserve a SLEEPING engine's GPU memory again (on its own GPUs), wake it and check it with a
   * canary request; it is RUNNING when this resolves. On any failure the engine is stopped and
   * this rejects with the reason.
   */
  wake(engineId: string): Promise<void>;
  /** Requests queued for catalog model `name`. */
  queued(name: string): number;
  /** Wake the scheduler (a load ended). */
  notifyChanged(): void;
}

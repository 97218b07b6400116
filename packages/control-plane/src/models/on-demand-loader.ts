import { isTerminal } from '@sage/protocol';
import { type Logger, pino } from 'pino';
import { SerialQueue } from '../gpu/serial-queue.js';
import { decideGpu } from '../manager/gpu-decision.js';
import type { OnDemandModels, SchedulableEngineKind } from '../scheduler/scheduler-types.js';
import type { CatalogModel } from './catalog-model.js';
import type { ModelCatalog } from './model-catalog.js';
import type { ModelEngines } from './model-engines.js';
import { ModelLoadFailedError, ModelLoadTimeoutError, ModelTooLargeError } from './model-errors.js';
import type { ModelEvent, ModelLoadReason } from './model-events.js';
import { ModelGroups } from './model-groups.js';
import type { ModelUsage } from './model-usage.js';
import { planPlacement, type ResidentEngine } from './placement-planner.js';

export interface OnDemandLoaderOptions {
  catalog: ModelCatalog;
  engines: ModelEngines;
  usage: ModelUsage;
  /** Longest wait of a request for its model (and of a load for GPU memory). */
  loadTimeoutMs: number;
  /** After a failed load, requests for the model are answered with its error this long. */
  failureHoldoffMs: number;
  /** A RUNNING engine younger than this is not evicted. */
  minResidencyMs: number;
  /** How often a load waiting for GPU memory looks again. */
  placementPollMs: number;
  /** `together` and `exclusive` groups of catalog models (none by default). */
  groups?: ModelGroups | undefined;
  now?: () => number;
  logger?: Logger;
  onEvent?: (event: ModelEvent) => void;
}

/** When a load is not for a request, it may not push other models out. */
const EVICTING_REASONS: ReadonlySet<ModelLoadReason> = new Set([
  'request',
  'manual',
  'preload',
  'min-replicas',
  'group',
]);

/** Priority of a catalog model (unknown: normal), for residents the catalog no longer lists. */
function residentOf(
  engine: ReturnType<ModelEngines['list']>[number],
  catalog: ModelCatalog,
  usage: ModelUsage,
  queued: number,
  reloadCostMs: number,
): ResidentEngine {
  const model = engine.model === null ? undefined : catalog.get(engine.model);
  return {
    engineId: engine.engineId,
    model: engine.model,
    gpuIds: engine.gpuIds,
    gbPerGpu: engine.gbPerGpu,
    status: engine.status,
    inFlight: engine.inFlight,
    queued,
    pinned: model?.pinned ?? false,
    priority: model?.priority ?? 'normal',
    lastUsedAt: usage.lastUsedAt(engine.engineId, engine.createdAt),
    runningSince: usage.runningSince(engine.engineId),
    reloadCostMs,
  };
}

/**
 * Loads catalog models: exactly one load per model at a time however many requests ask, GPU
 * placement with eviction of idle engines (one placement at a time, so two loads never count
 * the same free memory), and the failure every waiting request is answered with. It is what
 * the scheduler calls when a request names a catalog model no engine serves.
 */
export class OnDemandLoader implements OnDemandModels {
  readonly loadTimeoutMs: number;
  readonly #options: OnDemandLoaderOptions;
  readonly #loading = new Map<string, Promise<string>>();
  readonly #failures = new Map<string, { error: ModelLoadFailedError; at: number }>();
  /** Measured cold start per model (ms), the reload cost eviction weighs. */
  readonly #loadCostMs = new Map<string, number>();
  /** Measured wake of a sleeping engine per model (ms): the reload cost of an engine that sleeps. */
  readonly #wakeCostMs = new Map<string, number>();
  readonly #placement = new SerialQueue();
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #groups: ModelGroups;
  #closed = false;

  constructor(options: OnDemandLoaderOptions) {
    this.#options = options;
    this.loadTimeoutMs = options.loadTimeoutMs;
    this.#groups = options.groups ?? new ModelGroups();
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  resolve(model: string, kind: SchedulableEngineKind): string | undefined {
    return this.#options.catalog.resolve(model, kind)?.name;
  }

  demand(name: string): Error | null {
    const failure = this.lastFailure(name);
    if (failure) return failure;
    if (!this.#loading.has(name)) this.load(name, 'request').catch(() => {});
    return null;
  }

  isLoading(name: string): boolean {
    return this.#loading.has(name);
  }

  loadTimeoutError(name: string, waitedMs: number): Error {
    return new ModelLoadTimeoutError(name, waitedMs);
  }

  /** The error of the model's last load while it is held against new requests. */
  lastFailure(name: string): ModelLoadFailedError | undefined {
    const failure = this.#failures.get(name);
    if (!failure) return undefined;
    const left = this.#options.failureHoldoffMs - (this.#now() - failure.at);
    if (left <= 0) return undefined;
    const { error } = failure;
    return new ModelLoadFailedError(
      error.model,
      error.reason,
      Math.max(1, Math.ceil(left / 1000)),
      error.cause,
    );
  }

  /** The last load error of the model, however old (for status output). */
  lastError(name: string): string | null {
    return this.#failures.get(name)?.error.reason ?? null;
  }

  /** Measured cold start of the model, or an estimate (1 s per GB). */
  reloadCostMs(name: string, gb: number): number {
    return this.#loadCostMs.get(name) ?? Math.max(1, gb) * 1000;
  }

  /** Measured wake of the model's sleeping engine, or an estimate (a tenth of its cold start). */
  wakeCostMs(name: string, gb: number): number {
    return this.#wakeCostMs.get(name) ?? this.reloadCostMs(name, gb) / 10;
  }

  /**
   * Start one engine of catalog model `name` and resolve with its id once RUNNING. While a load
   * of the model is under way, every caller gets that same load.
   */
  load(name: string, reason: ModelLoadReason): Promise<string> {
    const existing = this.#loading.get(name);
    if (existing) return existing;
    const model = this.#options.catalog.get(name);
    if (!model) return Promise.reject(new Error(`no catalog model '${name}'`));
    const promise = this.#load(model, reason).finally(() => {
      this.#loading.delete(name);
      this.#options.engines.notifyChanged();
    });
    this.#loading.set(name, promise);
    if (reason !== 'scale-up') this.#loadTogether(name);
    return promise;
  }

  /** Load the models of `name`'s `together` groups that no awake engine serves (each one load). */
  #loadTogether(name: string): void {
    const engines = this.#options.engines.list();
    for (const partner of this.#groups.together(name)) {
      if (this.#loading.has(partner)) continue;
      const awake = engines.some(
        (engine) => engine.model === partner && !isTerminal(engine.status) && engine.status !== 'SLEEPING',
      );
      if (awake) continue;
      this.load(partner, 'group').catch((error: unknown) =>
        this.#logger.warn({ model: partner, forModel: name, err: error }, 'model-group-load-failed'),
      );
    }
  }

  /** Unload (sleep or stop, drained) the awake engines of `name`'s `exclusive` partners. */
  async #unloadExclusive(name: string): Promise<void> {
    const partners = new Set(this.#groups.exclusive(name));
    if (partners.size === 0) return;
    const victims = this.#options.engines
      .list()
      .filter(
        (engine) =>
          engine.model !== null &&
          partners.has(engine.model) &&
          !isTerminal(engine.status) &&
          engine.status !== 'SLEEPING' &&
          engine.status !== 'STOPPING' &&
          engine.status !== 'DRAINING',
      );
    await this.#evict(victims, name);
  }

  close(): void {
    this.#closed = true;
  }

  async #load(model: CatalogModel, reason: ModelLoadReason): Promise<string> {
    const startedAt = this.#now();
    this.#logger.info({ model: model.name, reason }, 'model-load-started');
    try {
      if (reason !== 'scale-up') await this.#unloadExclusive(model.name);
      const woken = await this.#wakeSleeper(model, reason, startedAt);
      if (woken !== undefined) {
        this.#failures.delete(model.name);
        return woken;
      }
      const engineId = await this.#placement.run(() => this.#place(model, reason, startedAt));
      await this.#options.engines.waitRunning(engineId);
      const durationMs = this.#now() - startedAt;
      this.#loadCostMs.set(model.name, durationMs);
      this.#failures.delete(model.name);
      this.#logger.info({ model: model.name, engineId, reason, durationMs }, 'model-loaded');
      this.#emit({ type: 'load', model: model.name, engineId, reason, durationMs });
      return engineId;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      // A replica that finds no room is not a failure of the model: requests keep their engines.
      if (reason !== 'scale-up') {
        const retryAfter = Math.max(1, Math.ceil(this.#options.failureHoldoffMs / 1000));
        const error = new ModelLoadFailedError(model.name, message, retryAfter, cause);
        this.#failures.set(model.name, { error, at: this.#now() });
        this.#logger.error({ model: model.name, reason, err: cause }, 'model-load-failed');
      }
      this.#emit({ type: 'load-failed', model: model.name, reason, error: message });
      throw cause;
    }
  }

  /**
   * Wake a SLEEPING engine of the model when it has one: its GPU memory is taken again on its own
   * GPUs (evicting idle engines when allowed), then it wakes and answers a canary. Resolves with
   * its id once RUNNING, or undefined when a cold start must do instead (no sleeper; its GPUs can
   * never hold it again; the wake or the canary failed: the sleeper is stopped).
   */
  async #wakeSleeper(
    model: CatalogModel,
    reason: ModelLoadReason,
    startedAt: number,
  ): Promise<string | undefined> {
    const sleeper = this.#options.engines
      .list()
      .find((engine) => engine.model === model.name && engine.status === 'SLEEPING');
    if (!sleeper) return undefined;
    const engineId = sleeper.engineId;
    const woken = await this.#placement.run(async () => {
      const { engines } = this.#options;
      for (;;) {
        if (this.#closed) throw new Error('the control plane is shutting down');
        const current = engines.list().find((engine) => engine.engineId === engineId);
        if (current?.status !== 'SLEEPING') return false;
        if (current.gpuIds.length > 0) {
          const gpus = (await engines.gpus()).filter((gpu) => current.gpuIds.includes(gpu.index));
          const plan = planPlacement({
            gpus,
            need: { model: model.name, gpuCount: current.gpuIds.length, gbPerGpu: current.gbPerGpu },
            residents: this.#residents(),
            now: this.#now(),
            minResidencyMs: this.#options.minResidencyMs,
          });
          if (plan.type === 'fit' && plan.evict.length > 0 && EVICTING_REASONS.has(reason)) {
            await this.#evict(plan.evict, model.name);
            continue;
          }
          if (plan.type === 'wait' && this.#now() - startedAt < this.loadTimeoutMs) {
            await new Promise((resolve) => setTimeout(resolve, this.#options.placementPollMs));
            continue;
          }
          if (plan.type !== 'fit' || plan.evict.length > 0) {
            // Its GPUs cannot hold it again: stop it and load the model cold where there is room.
            this.#logger.info({ model: model.name, engineId, why: plan.type }, 'model-sleeper-stopped');
            await engines.stop(engineId);
            return false;
          }
        }
        try {
          await engines.wake(engineId);
          return true;
        } catch (error) {
          this.#logger.warn({ model: model.name, engineId, err: error }, 'model-wake-failed');
          return false;
        }
      }
    });
    const durationMs = this.#now() - startedAt;
    this.#emit({ type: 'wake', model: model.name, engineId, reason, ok: woken, durationMs });
    if (!woken) return undefined;
    this.#wakeCostMs.set(model.name, durationMs);
    this.#logger.info({ model: model.name, engineId, reason, durationMs }, 'model-woken');
    return engineId;
  }

  /** Every engine as placement sees it; sleeping engines hold no reserved GPU memory and are left out. */
  #residents(): ResidentEngine[] {
    const { engines, catalog, usage } = this.#options;
    return engines
      .list()
      .filter((engine) => engine.status !== 'SLEEPING')
      .map((engine) => {
        const gb = engine.gbPerGpu * engine.gpuIds.length;
        const name = engine.model ?? engine.engineId;
        return residentOf(
          engine,
          catalog,
          usage,
          engine.model === null ? 0 : engines.queued(engine.model),
          engines.canSleep(engine.engineId) ? this.wakeCostMs(name, gb) : this.reloadCostMs(name, gb),
        );
      });
  }

  /** Make room: each victim sleeps when it can, else stops; its state changes before any await. */
  async #evict(
    victims: ReadonlyArray<{ engineId: string; model: string | null }>,
    forModel: string,
  ): Promise<void> {
    const { engines } = this.#options;
    const moves = victims.map((victim) => {
      const model = victim.model ?? victim.engineId;
      const sleep = engines.canSleep(victim.engineId);
      this.#logger.info({ model, engineId: victim.engineId, forModel, sleep }, 'model-evicted');
      this.#emit(
        sleep
          ? { type: 'sleep', model, engineId: victim.engineId, reason: 'evicted', forModel }
          : { type: 'unload', model, engineId: victim.engineId, reason: 'evicted', forModel },
      );
      return sleep ? engines.sleep(victim.engineId) : engines.stop(victim.engineId);
    });
    await Promise.all(moves);
  }

  /** Under further pressure (no room even after evictions), the least recently used sleeper stops. */
  async #stopOneSleeper(): Promise<boolean> {
    const { engines, usage } = this.#options;
    const sleepers = engines
      .list()
      .filter((engine) => engine.status === 'SLEEPING' && engine.gpuIds.length > 0)
      .sort(
        (a, b) =>
          usage.lastUsedAt(a.engineId, a.createdAt) - usage.lastUsedAt(b.engineId, b.createdAt) ||
          a.engineId.localeCompare(b.engineId),
      );
    const [oldest] = sleepers;
    if (!oldest) return false;
    this.#logger.info({ model: oldest.model, engineId: oldest.engineId }, 'model-sleeper-stopped');
    this.#emit({
      type: 'unload',
      model: oldest.model ?? oldest.engineId,
      engineId: oldest.engineId,
      reason: 'evicted',
    });
    await engines.stop(oldest.engineId);
    return true;
  }

  /** Find room (evicting idle engines when allowed) and start the engine; runs one at a time. */
  async #place(model: CatalogModel, reason: ModelLoadReason, startedAt: number): Promise<string> {
    const { engines } = this.#options;
    for (;;) {
      if (this.#closed) throw new Error('the control plane is shutting down');
      const gpus = await engines.gpus();
      const decision = decideGpu(
        {
          engineKind: model.kind,
          useGpu: model.useGpu,
          gpuIds: undefined,
          tensorParallelSize: model.tensorParallel,
          pipelineParallelSize: 1,
        },
        gpus.length,
      );
      const largest = Math.max(0, ...gpus.map((gpu) => gpu.totalGb));
      const gbPerGpu = decision.useGpu ? engines.gbPerGpu(model, largest) : 0;
      const gpuCount = decision.useGpu ? decision.gpuCount : 0;
      const residents = this.#residents();
      const plan = planPlacement({
        gpus,
        need: { model: model.name, gpuCount, gbPerGpu },
        residents,
        now: this.#now(),
        minResidencyMs: this.#options.minResidencyMs,
      });
      // Further pressure: memory sleeping engines still use (CUDA context, allocator) goes too.
      const couldFit = gpus.filter((gpu) => gpu.totalGb + 1e-6 >= gbPerGpu).length >= gpuCount;
      if (plan.type !== 'fit' && couldFit && EVICTING_REASONS.has(reason) && (await this.#stopOneSleeper()))
        continue;
      if (plan.type === 'never') throw new ModelTooLargeError(model.name, gbPerGpu, gpuCount, plan.reason);
      if (plan.type === 'fit' && plan.evict.length === 0) {
        return engines.start(model, { gpuIds: plan.gpuIds, gbPerGpu });
      }
      if (plan.type === 'fit' && EVICTING_REASONS.has(reason)) {
        // Each sleep or stop changes its engine's state before any await: nothing is dispatched to a victim.
        await this.#evict(plan.evict, model.name);
        continue; // plan again with the memory now free
      }
      const why = plan.type === 'wait' ? plan.reason : 'it would have to evict other models';
      if (reason === 'scale-up') throw new Error(`no room for another engine of '${model.name}': ${why}`);
      if (this.#now() - startedAt >= this.loadTimeoutMs) {
        throw new Error(`no GPU memory became free within ${this.loadTimeoutMs} ms (${why})`);
      }
      await new Promise((resolve) => setTimeout(resolve, this.#options.placementPollMs));
    }
  }

  #emit(event: ModelEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (error) {
      this.#logger.warn({ err: error }, 'model-event-hook-failed');
    }
  }
}

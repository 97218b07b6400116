import { type CatalogModelState, isTerminal } from '@sage/protocol';
import { type Logger, pino } from 'pino';
import type { CatalogModel } from './catalog-model.js';
import type { ModelCatalog } from './model-catalog.js';
import type { ModelEngines, ModelEngineView } from './model-engines.js';
import { UnknownCatalogModelError } from './model-errors.js';
import type { ModelEvent } from './model-events.js';
import type { ModelUsage } from './model-usage.js';
import type { OnDemandLoader } from './on-demand-loader.js';
import { planScaling } from './scaling-planner.js';

/** What identifies an engine as a catalog model's (its start request, as recorded). */
interface CatalogEngineRef {
  modelId: string;
  backend: string | undefined;
  label: string | undefined;
  catalogModel: unknown;
}

/** A catalog model and where it stands (`GET /v1/management/models`, `/v1/models`). */
export interface CatalogModelStatus {
  model: CatalogModel;
  state: CatalogModelState;
  /** Its alive engines (every state but STOPPED and FAILED). */
  engineIds: string[];
  lastUsedAt: number | null;
  lastError: string | null;
}

export interface ModelControllerOptions {
  catalog: ModelCatalog;
  loader: OnDemandLoader;
  usage: ModelUsage;
  engines: ModelEngines;
  /** Queued requests per catalog model, from the scheduler. */
  queueStats: () => ReadonlyMap<string, { depth: number; oldestArrivedAt: number }>;
  /** Period of the idle-unload and replica loop. */
  checkIntervalMs: number;
  scaleUpQueueWaitMs: number;
  replicaIdleMs: number;
  now?: () => number;
  logger?: Logger;
  onEvent?: (event: ModelEvent) => void;
}

/**
 * The catalog's front: status, `load`/`unload` by hand, preload, and the loop that unloads idle
 * engines and follows the queue with replicas. Decisions are made by `planScaling`; this class
 * only runs them.
 */
export class ModelController {
  readonly catalog: ModelCatalog;
  readonly #options: ModelControllerOptions;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #stopping = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ModelControllerOptions) {
    this.#options = options;
    this.catalog = options.catalog;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? pino({ level: 'silent' });
  }

  /** Add (or replace) catalog models; preload those that ask for it when started. */
  add(models: readonly CatalogModel[]): void {
    this.catalog.add(models);
    if (this.#timer) this.#preload(models);
  }

  /** Start the loop and preload `preload: true` and `min_replicas` models. */
  start(): void {
    if (this.#timer || this.catalog.size === 0) {
      if (!this.#timer) this.#startLoop();
      return;
    }
    this.#startLoop();
    this.#preload(this.catalog.list());
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#options.loader.close();
  }

  /** Every catalog model with its state. */
  list(): CatalogModelStatus[] {
    const engines = this.#options.engines.list();
    return this.catalog.list().map((model) => this.#status(model, engines));
  }

  /** One catalog model by name or alias. @throws UnknownCatalogModelError */
  get(name: string): CatalogModelStatus {
    return this.#status(this.#model(name), this.#options.engines.list());
  }

  /** Load one engine of the model unless one is alive; resolves when it is RUNNING. */
  async load(name: string): Promise<CatalogModelStatus> {
    const model = this.#model(name);
    // A sleeping engine does not serve: the load wakes it.
    const awake = this.#enginesOf(model.name, this.#options.engines.list()).filter(
      (engine) => !isTerminal(engine.status) && engine.status !== 'SLEEPING',
    );
    if (awake.length === 0) await this.#options.loader.load(model.name, 'manual');
    return this.get(model.name);
  }

  /** Drain and stop every engine of the model (in-flight requests finish first). */
  async unload(name: string): Promise<CatalogModelStatus> {
    const model = this.#model(name);
    const alive = this.#enginesOf(model.name, this.#options.engines.list()).filter(
      (engine) => !isTerminal(engine.status) && !this.#stopping.has(engine.engineId),
    );
    await Promise.all(alive.map((engine) => this.#stop(model.name, engine.engineId, 'manual')));
    return this.get(model.name);
  }

  /** Trusted args of a catalog engine: the catalog entry's `args` when the engine is exactly its. */
  trustedArgs(engine: CatalogEngineRef): readonly string[] {
    const model = this.#catalogModelOf(engine);
    return model?.trusted ? model.args : [];
  }

  /** The engine is exactly a catalog model's whose entry lets it sleep (`sleep: true`, the default). */
  sleepMode(engine: CatalogEngineRef): boolean {
    return this.#catalogModelOf(engine)?.sleep === true;
  }

  #catalogModelOf(engine: CatalogEngineRef): CatalogModel | undefined {
    if (typeof engine.catalogModel !== 'string') return undefined;
    const model = this.catalog.get(engine.catalogModel);
    if (!model) return undefined;
    const same =
      model.modelId === engine.modelId &&
      model.name === engine.label &&
      (model.backend === undefined || model.backend === engine.backend);
    return same ? model : undefined;
  }

  /** One round of the loop (exposed for tests). */
  tick(): void {
    const { engines, loader, usage } = this.#options;
    const all = engines.list();
    const queue = this.#options.queueStats();
    const now = this.#now();
    const actions = planScaling({
      now,
      scaleUpQueueWaitMs: this.#options.scaleUpQueueWaitMs,
      replicaIdleMs: this.#options.replicaIdleMs,
      models: this.catalog.list().map((model) => ({
        model,
        engines: this.#enginesOf(model.name, all)
          .filter((engine) => !this.#stopping.has(engine.engineId))
          .map((engine) => ({ ...engine, lastUsedAt: usage.lastUsedAt(engine.engineId, engine.createdAt) })),
        queue: queue.get(model.name),
        loading: loader.isLoading(model.name),
      })),
    });
    for (const action of actions) {
      if (action.type === 'unload') {
        void this.#stop(action.model, action.engineId, action.reason);
      } else if (!loader.lastFailure(action.model)) {
        loader
          .load(action.model, action.reason)
          .catch((error: unknown) =>
            this.#logger.debug({ model: action.model, err: error }, 'model-replica-not-started'),
          );
      }
    }
  }

  #startLoop(): void {
    this.#timer = setInterval(() => this.tick(), this.#options.checkIntervalMs);
    this.#timer.unref?.();
  }

  #preload(models: readonly CatalogModel[]): void {
    for (const model of models) {
      if (!model.preload && model.minReplicas === 0) continue;
      this.#options.loader
        .load(model.name, model.preload ? 'preload' : 'min-replicas')
        .catch((error: unknown) =>
          this.#logger.error({ model: model.name, err: error }, 'model-preload-failed'),
        );
    }
  }

  /**
   * Stop one engine, or put it to sleep when it is an idle-unload and the engine can sleep; its
   * DRAINING (or SLEEPING) state is set before the first await (see `ModelEngines.stop`).
   */
  async #stop(model: string, engineId: string, reason: 'idle-ttl' | 'scale-down' | 'manual'): Promise<void> {
    this.#stopping.add(engineId);
    const { engines } = this.#options;
    const sleep = reason === 'idle-ttl' && engines.canSleep(engineId);
    this.#logger.info({ model, engineId, reason }, sleep ? 'model-sleep' : 'model-unload');
    try {
      this.#options.onEvent?.(
        sleep
          ? { type: 'sleep', model, engineId, reason: 'idle-ttl' }
          : { type: 'unload', model, engineId, reason },
      );
    } catch (error) {
      this.#logger.warn({ err: error }, 'model-event-hook-failed');
    }
    try {
      await (sleep ? engines.sleep(engineId) : engines.stop(engineId));
    } catch (error) {
      this.#logger.error({ model, engineId, err: error }, 'model-unload-failed');
    } finally {
      this.#stopping.delete(engineId);
    }
  }

  #model(name: string): CatalogModel {
    const model = this.catalog.resolve(name);
    if (!model)
      throw new UnknownCatalogModelError(
        name,
        this.catalog.list().map((entry) => entry.name),
      );
    return model;
  }

  #enginesOf(name: string, engines: readonly ModelEngineView[]): ModelEngineView[] {
    return engines.filter((engine) => engine.model === name);
  }

  #status(model: CatalogModel, engines: readonly ModelEngineView[]): CatalogModelStatus {
    const own = this.#enginesOf(model.name, engines);
    const alive = own.filter((engine) => !isTerminal(engine.status));
    const { loader, usage } = this.#options;
    let state: CatalogModelState = 'unloaded';
    if (alive.some((engine) => engine.status === 'RUNNING')) state = 'loaded';
    else if (
      loader.isLoading(model.name) ||
      alive.some((engine) => engine.status === 'STARTING' || engine.status === 'DOWNLOADING')
    )
      state = 'loading';
    else if (alive.some((engine) => engine.status === 'SLEEPING')) state = 'sleeping';
    else if (loader.lastFailure(model.name)) state = 'failed';
    const used = alive.map((engine) => usage.lastUsedAt(engine.engineId, engine.createdAt));
    return {
      model,
      state,
      engineIds: alive.map((engine) => engine.engineId),
      lastUsedAt: used.length > 0 ? Math.max(...used) : null,
      lastError: loader.lastError(model.name),
    };
  }
}

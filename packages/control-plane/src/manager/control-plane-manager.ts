import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CachedModel,
  DEFAULT_GATEWAY_PORT,
  type EngineExitClass,
  type EngineInfo,
  type EngineStartRequestWire,
  type GpuStatus,
  isTerminal,
  parseEngineStartRequest,
  toWire,
} from '@sage/protocol';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { BackendRegistry } from '../backends/backend-registry.js';
import type { EngineBackend } from '../backends/engine-backend.js';
import { EngineRequestPolicy } from '../backends/engine-request-policy.js';
import { CONTROL_PLANE_DEFAULTS, MODEL_DEFAULTS } from '../defaults.js';
import {
  asStateDirectoryError,
  BackendUnavailableError,
  EngineStartError,
  InvalidTransitionError,
} from '../errors.js';
import { resolveExecutor } from '../executors/executor-registry.js';
import { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import { type EngineExitEvent, EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import { registerExitCleanup } from '../lifecycle/exit-cleanup.js';
import type { CatalogModel } from '../models/catalog-model.js';
import { ModelCatalog } from '../models/model-catalog.js';
import { ModelController } from '../models/model-controller.js';
import type { ModelEngines, ModelEngineView } from '../models/model-engines.js';
import type { ModelEvent } from '../models/model-events.js';
import { ModelGroups } from '../models/model-groups.js';
import { type ModelPullEvent, ModelPuller, type ModelPullRequest } from '../models/model-puller.js';
import { isPullableModelId } from '../models/model-ref.js';
import { ModelUsage } from '../models/model-usage.js';
import { OnDemandLoader } from '../models/on-demand-loader.js';
import { PortAllocator } from '../ports/port-allocator.js';
import { RequestScheduler } from '../scheduler/request-scheduler.js';
import type {
  Lease,
  SchedulableEngine,
  ScheduleRequest,
  SchedulerSnapshot,
} from '../scheduler/scheduler-types.js';
import { type EngineRecord, toEngineInfo } from '../state/engine-record.js';
import { EngineRegistry } from '../state/engine-registry.js';
import { canTransition } from '../state/engine-state.js';
import { FileRegistryStore } from '../state/registry-store.js';
import { StateDirectoryLock } from '../state/state-dir-lock.js';
import { waitForRunning } from '../state/wait-for-running.js';
import { memoryLimitOf } from '../supervisor/process-sample.js';
import { RestartSupervisor, type SupervisedEngines } from '../supervisor/restart-supervisor.js';
import { adoptPersistedEngines } from './adoption.js';
import type {
  CatalogOperations,
  ControlPlane,
  ControlPlaneEvents,
  EngineStartOptions,
} from './control-plane.js';
import type { ControlPlaneManagerOptions } from './control-plane-options.js';
import { EngineDownloads } from './engine-downloads.js';
import { EngineLauncher } from './engine-launcher.js';
import { EngineSleeper } from './engine-sleeper.js';
import { defaultStateDir } from './state-dir.js';
import { supervisorEffects } from './supervisor-effects.js';

/**
 * Composes ports, GPUs, engine processes, the restart supervisor and the registry. It holds no
 * algorithm of its own: each part decides, the manager wires them.
 *
 * @example
 * const manager = new ControlPlaneManager({ stateDir: '/tmp/sage' });
 * await manager.start();
 * const engine = await manager.requestEngineStartup('sage/tiny-chat', { useGpu: false });
 * await manager.waitForEngine(engine.engineId);
 * await manager.close();
 */
export class ControlPlaneManager extends EventEmitter<ControlPlaneEvents> implements ControlPlane {
  readonly stateDir: string;
  private readonly gpu: GPUResourceManager;
  private readonly ports: PortAllocator;
  private readonly lifecycle: EngineLifecycleManager;
  private readonly backends: BackendRegistry;
  private readonly registry: EngineRegistry;
  private readonly supervisor: RestartSupervisor;
  /** Queue → policy → engine for every inference request (SPEC section 7). */
  private readonly scheduler: RequestScheduler;
  /** The model cache and its puller (`<stateDir>/models/cache`, docs/models.md). */
  private readonly models: ModelPuller;
  private readonly downloads: EngineDownloads;
  /** The model catalog: on-demand loads, idle unloads, replicas (docs/models.md). */
  private readonly controller: ModelController;
  private readonly launcher: EngineLauncher;
  /** The sleep tier of catalog engines (vLLM's sleep mode). */
  private readonly sleeper: EngineSleeper;
  private readonly usage = new ModelUsage();
  /** What a start request may put on an engine's command line. */
  private readonly requestPolicy: EngineRequestPolicy;
  private readonly logger: Logger;
  private readonly options: ControlPlaneManagerOptions;
  private readonly now: () => number;
  private readonly engineHost: string;
  private started = false;
  /** close() has begun: no engine starts any more. */
  private closing = false;
  /** Engine starts under way (requestEngineStartup), which close() waits for. */
  private readonly pendingStarts = new Set<Promise<EngineInfo>>();
  private unregisterExitCleanup: (() => void) | null = null;
  private readonly stateDirLock: StateDirectoryLock;
  private schedulableCache: { version: number; engines: readonly SchedulableEngine[] } | null = null;

  constructor(options: ControlPlaneManagerOptions = {}) {
    super();
    this.options = options;
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.stateDir = resolve(options.stateDir ?? defaultStateDir(options.env));
    this.engineHost = options.engineHost ?? CONTROL_PLANE_DEFAULTS.engineHost;
    this.ports =
      options.ports ??
      new PortAllocator({
        stateDir: this.stateDir,
        gatewayPort: options.gatewayPort ?? DEFAULT_GATEWAY_PORT,
        host: this.engineHost,
      });
    const executor =
      options.executor === undefined || options.lifecycle !== undefined
        ? undefined
        : resolveExecutor(options.executor, {
            stateDir: this.stateDir,
            logger: this.logger,
            stopTimeoutMs: options.stopTimeoutMs ?? CONTROL_PLANE_DEFAULTS.stopTimeoutMs,
          });
    // An executor with its own GPU inventory (Kubernetes nodes) places on those GPUs, not this host's.
    const inventory = executor?.gpuInventory?.bind(executor);
    this.gpu =
      options.gpu ??
      new GPUResourceManager({ env: options.env ?? process.env, ...(inventory ? { inventory } : {}) });
    this.lifecycle =
      options.lifecycle ??
      new EngineLifecycleManager({
        logger: this.logger,
        home: this.stateDir,
        ...(executor === undefined ? {} : { executor }),
        ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
        ...(options.healthCheckTimeoutMs === undefined
          ? {}
          : { healthCheckTimeoutMs: options.healthCheckTimeoutMs }),
      });
    const running = this.lifecycle.executor;
    this.gpu.locateProcesses((engineId) => running.localProcess?.(engineId) ?? null);
    this.stateDirLock = new StateDirectoryLock(this.stateDir);
    this.backends = new BackendRegistry(options.customBackends ?? []);
    this.requestPolicy = new EngineRequestPolicy({
      allowedExtraArgs: options.allowedExtraArgs,
      modelDirs: options.modelDirs ?? [join(this.stateDir, 'models')],
    });
    this.requestPolicy.checkAllowList(this.backends.names().map((name) => this.backends.get(name)));
    this.launcher = new EngineLauncher({
      gpu: this.gpu,
      ports: this.ports,
      lifecycle: this.lifecycle,
      stateDir: this.stateDir,
      env: options.env ?? process.env,
      passEnv: options.passEnv ?? [],
      logger: this.logger,
      now: this.now,
      memoryLimitBytes: (record) =>
        memoryLimitOf(
          { device: record.device, requiredMemoryGb: record.request.requiredMemoryGb },
          options.engineMemoryCapMb,
        )?.bytes,
      trustedArgs: (record) =>
        this.controller.trustedArgs({
          modelId: record.request.modelId,
          backend: record.backend,
          label: record.request.engineLabel,
          catalogModel: record.request.metadata?.catalog_model,
        }),
      sleepMode: (record) => {
        const on = this.controller.sleepMode({
          modelId: record.request.modelId,
          backend: record.backend,
          label: record.request.engineLabel,
          catalogModel: record.request.metadata?.catalog_model,
        });
        this.sleeper.launched(
          record.engineId,
          on && this.backends.get(record.backend).sleepMode !== undefined,
        );
        return on;
      },
    });
    this.models = new ModelPuller({
      cacheDir: join(this.stateDir, 'models', 'cache'),
      env: options.env ?? process.env,
      logger: this.logger,
      ...options.models,
    });
    this.downloads = new EngineDownloads(this.models, (engineId, progress) =>
      this.emit('engine-download-progress', { engineId, progress }),
    );
    this.registry = new EngineRegistry(options.store ?? new FileRegistryStore(this.stateDir), this.logger);
    const modelOptions = { ...MODEL_DEFAULTS, ...definedOnly(options.catalog ?? {}) };
    this.sleeper = new EngineSleeper({
      registry: this.registry,
      gpu: this.gpu,
      backends: this.backends,
      waitForDrain: (engineId) => this.waitForDrain(engineId),
      stop: async (engineId) => {
        await this.requestEngineShutdown(engineId);
      },
      timeoutMs: modelOptions.sleepTimeoutMs,
      logger: this.logger,
    });
    const catalog = new ModelCatalog(options.catalog?.models ?? []);
    const modelEngines = this.modelEngines();
    const onModelEvent = (event: ModelEvent) => this.emit('model-event', event);
    const loader = new OnDemandLoader({
      catalog,
      engines: modelEngines,
      usage: this.usage,
      loadTimeoutMs: modelOptions.loadTimeoutMs,
      failureHoldoffMs: modelOptions.failureHoldoffMs,
      minResidencyMs: modelOptions.minResidencyMs,
      placementPollMs: modelOptions.placementPollMs,
      groups: new ModelGroups(
        options.catalog?.groups ?? [],
        catalog.list().map((model) => model.name),
      ),
      now: this.now,
      logger: this.logger,
      onEvent: onModelEvent,
    });
    this.controller = new ModelController({
      catalog,
      loader,
      usage: this.usage,
      engines: modelEngines,
      queueStats: () => this.scheduler.queueStats(),
      checkIntervalMs: modelOptions.checkIntervalMs,
      scaleUpQueueWaitMs: modelOptions.scaleUpQueueWaitMs,
      replicaIdleMs: modelOptions.replicaIdleMs,
      now: this.now,
      logger: this.logger,
      onEvent: onModelEvent,
    });
    this.scheduler = new RequestScheduler({
      engines: () => this.schedulableEngines(),
      onDemand: loader,
      onRelease: (engineId) => {
        // An answer that ends after its engine stopped must not bring the engine back to the usage table.
        const status = this.registry.find(engineId)?.status;
        if (status !== undefined && !isTerminal(status)) this.usage.touch(engineId, this.now());
      },
      policy: options.scheduling?.policy,
      policyParameters: options.scheduling?.policyParameters,
      queueCapacity: options.scheduling?.queueCapacity,
      queueTimeoutMs: options.scheduling?.queueTimeoutMs,
      now: this.now,
      logger: this.logger,
      onDecision: (event) => {
        if (event.type === 'request-dispatched') this.usage.touch(event.engineId, this.now());
        this.emit('scheduling-decision', event);
      },
    });
    this.registry.on('engine-state-change', (change) => {
      if (change.to === 'RUNNING') this.usage.running(change.engineId, this.now());
      else if (isTerminal(change.to)) this.usage.forget(change.engineId);
      else if (change.from === 'RUNNING') this.usage.stopped(change.engineId);
      this.scheduler.notifyEnginesChanged();
      this.emit('engine-state-change', change);
    });
    this.supervisor = new RestartSupervisor({
      ...supervisorOptions(options),
      engines: this.supervisedEngines(),
      logger: this.logger,
      now: this.now,
    });
    this.lifecycle.on('engine-exit', (event) => this.onEngineExit(event));
    options.exposeParts?.({
      gpu: this.gpu,
      ports: this.ports,
      lifecycle: this.lifecycle,
      registry: this.registry,
      supervisor: this.supervisor,
      scheduler: this.scheduler,
    });
  }

  /** The catalog operations the gateway may use (docs/models.md). */
  get catalog(): CatalogOperations {
    return this.controller;
  }

  get gpuMock(): boolean {
    return this.gpu.mock;
  }

  get schedulingPolicy(): string {
    return this.scheduler.policy;
  }

  setSchedulingPolicy(name: string): void {
    this.scheduler.setPolicy(name);
  }

  acquire(request: ScheduleRequest, signal?: AbortSignal): Promise<Lease> {
    return this.scheduler.acquire(request, signal);
  }

  needsPrefixHashes(policy?: string): boolean {
    return this.scheduler.needsPrefixHashes(policy);
  }

  queueSnapshot(): SchedulerSnapshot {
    return this.scheduler.snapshot();
  }

  engineLoad(engineId: string): number {
    return this.scheduler.load(engineId);
  }

  /** What the scheduler sees of each engine (GPU count and price for cost decisions). */
  schedulableEngines(): readonly SchedulableEngine[] {
    // On the request path: rebuilt only when the registry changed since the last call.
    if (this.schedulableCache?.version === this.registry.version) return this.schedulableCache.engines;
    const engines = this.registry.list().map((record): SchedulableEngine => {
      const price = record.request.metadata?.price_per_gpu_hour;
      return {
        engineId: record.engineId,
        modelId: record.request.modelId,
        engineLabel: record.request.engineLabel ?? null,
        engineKind: record.request.engineKind,
        status: record.status,
        maxConcurrentRequests: record.request.maxConcurrentRequests,
        gpuCount: record.gpuIds.length,
        ...(typeof price === 'number' ? { pricePerGpuHour: price } : {}),
        address: record.address,
        generation: record.generation,
        backend: record.backend,
      };
    });
    this.schedulableCache = { version: this.registry.version, engines };
    return engines;
  }

  /**
   * The engine's current launch generation, or null while nothing serves it (exited, RESTARTING,
   * stopped, unknown): a request that failed on one generation may try the next.
   */
  engineGeneration(engineId: string): string | null {
    const record = this.registry.find(engineId);
    return record === undefined || record.status === 'RESTARTING' ? null : record.generation;
  }

  /** Prepare the state directory, adopt engines an earlier gateway left running, start the health loop. */
  async start(): Promise<void> {
    if (this.started) return;
    // One control plane per state directory: a second one would adopt the same engines.
    await this.stateDirLock.acquire();
    this.started = true;
    await mkdir(join(this.stateDir, 'logs'), { recursive: true }).catch((error: unknown) => {
      throw asStateDirectoryError(error, join(this.stateDir, 'logs'));
    });
    await adoptPersistedEngines({
      persisted: await (this.options.store ?? new FileRegistryStore(this.stateDir)).load(),
      registry: this.registry,
      lifecycle: this.lifecycle,
      ports: this.ports,
      gpu: this.gpu,
      logger: this.logger,
      healthPaths: (record) => this.backends.get(record.backend).healthPaths(record.request.engineKind),
      relaunch: (record) => this.relaunchAfterAdoption(record),
      watchStartup: (engineId) => this.supervisor.watchStartup(engineId),
      now: this.now,
      stopTimeoutMs: this.options.stopTimeoutMs ?? CONTROL_PLANE_DEFAULTS.stopTimeoutMs,
    });
    this.supervisor.start();
    this.controller.start();
    if (this.options.stopEnginesOnExit) {
      this.unregisterExitCleanup = registerExitCleanup(() => this.lifecycle.signalAllSync());
    }
  }

  /**
   * Start an engine. Validates the request (its model id and `extra_args` against the request
   * policy, docs/security.md), decides GPU or CPU (SPEC C), reserves GPUs and a port,
   * spawns the process and returns its info in state STARTING; it becomes RUNNING after its first
   * successful health check ({@link waitForEngine}). An `hf:` reference or URL that is not in the
   * model cache yet is pulled first: the engine is DOWNLOADING (with `download` progress) and
   * holds no port or GPU until the file is there; the startup timeout starts after the download.
   */
  async requestEngineStartup(modelId: string, options: EngineStartOptions = {}): Promise<EngineInfo> {
    if (this.closing) throw new EngineStartError('', 'the control plane is closing: no engine is started');
    // close() waits for starts under way: none spawns a process after close() resolved.
    const start = this.startEngine(modelId, options);
    this.pendingStarts.add(start);
    try {
      return await start;
    } finally {
      this.pendingStarts.delete(start);
    }
  }

  private async startEngine(modelId: string, options: EngineStartOptions): Promise<EngineInfo> {
    const request = parseEngineStartRequest(toWire<EngineStartRequestWire>({ ...options, modelId }));
    const backend = this.backends.resolve(request);
    this.requestPolicy.check(request, backend);
    if (!backend.kinds.includes(request.engineKind)) {
      throw new BackendUnavailableError(
        backend.name,
        `it serves ${backend.kinds.join(', ')} engines, not ${request.engineKind}`,
      );
    }
    this.launcher.checkProgram(backend, request);
    const cached = await this.cachedModel(request.modelId);
    const download = isPullableModelId(request.modelId) && !cached;
    const engineId = `engine-${randomUUID().slice(0, 8)}`;
    const record: EngineRecord = {
      engineId,
      request,
      backend: backend.name,
      status: download ? 'DOWNLOADING' : 'STARTING',
      host: this.engineHost,
      port: 0,
      gpuIds: [],
      device: 'cpu',
      reservedMemoryGbPerGpu: 0,
      pid: null,
      command: [],
      env: {},
      logPath: join(this.stateDir, 'logs', `${engineId}.log`),
      restartCount: 0,
      lastExitCode: null,
      lastExitSignal: null,
      lastExitClass: null,
      lastError: null,
      createdAt: new Date(this.now()).toISOString(),
      spawnedAt: null,
      resourcesHeld: false,
      launchNonce: null,
      processStart: null,
      generation: null,
      executorHandle: null,
      address: null,
    };
    if (download) {
      this.registry.add(record);
      this.logger.info({ engineId, modelId, backend: backend.name }, 'engine-downloading');
      void this.downloadAndLaunch(engineId, backend);
      return this.getEngine(engineId);
    }
    await this.launcher.acquireResources(record, { port: request.port }, cached?.path);
    try {
      await this.launcher.launch(record, backend, cached?.path);
    } catch (error) {
      await this.releaseResources(record);
      // The log file could not be created: a state-directory problem (503 naming the path), not a bug.
      throw asStateDirectoryError(error, record.logPath, 'the engine was not started');
    }
    this.registry.add(record);
    if (this.closing) {
      // close() began while this engine was being placed: it listed the engines before this one.
      await this.requestEngineShutdown(engineId).catch(() => {});
      throw new EngineStartError(engineId, 'the control plane closed while the engine was starting');
    }
    this.logger.info(
      { engineId, modelId, backend: backend.name, port: record.port, gpuIds: record.gpuIds },
      'engine-started',
    );
    this.supervisor.watchStartup(engineId);
    return this.getEngine(engineId);
  }

  /** Resolves when the engine is RUNNING; rejects with EngineStartError when it ends FAILED or STOPPED. */
  async waitForEngine(engineId: string, options: { timeoutMs?: number } = {}): Promise<EngineInfo> {
    await waitForRunning(this.registry, engineId, options.timeoutMs ?? 600_000);
    return this.getEngine(engineId);
  }

  /** Stop an engine (after its in-flight requests when `drain`), release its port and GPUs. */
  async requestEngineShutdown(engineId: string, options: { drain?: boolean } = {}): Promise<EngineInfo> {
    const record = this.registry.get(engineId);
    this.supervisor.forget(engineId);
    this.downloads.cancel(engineId);
    if (isTerminal(record.status)) {
      await this.lifecycle.stop(engineId);
      await this.releaseResources(record);
      return this.getEngine(engineId);
    }
    if (options.drain && (record.status === 'RUNNING' || record.status === 'UNHEALTHY')) {
      this.registry.transition(engineId, 'drain', 'shutdown requested with drain');
      await this.waitForDrain(engineId);
    }
    this.registry.transition(engineId, 'stop', 'shutdown requested');
    // Whatever fails below, the engine does not stay STOPPING: the process is stopped, the state
    // moves on, and a registry that cannot be written is reported (and written when it can be).
    const exit = await this.lifecycle.stop(engineId);
    await this.releaseResources(record);
    this.registry.update(engineId, {
      ...NO_LAUNCH,
      spawnedAt: null,
      ...(exit ? { lastExitCode: exit.exitCode, lastExitSignal: exit.signal, lastExitClass: 'stopped' } : {}),
    });
    this.registry.transition(engineId, 'stopped', 'process stopped');
    await this.registry.flush().catch((error: unknown) => {
      throw asStateDirectoryError(
        error,
        this.stateDir,
        `engine ${engineId} is stopped, but its record was not saved`,
      );
    });
    return this.getEngine(engineId);
  }

  /** Restart by hand: same id, same port when still free; resets the restart attempt counter. */
  async restartEngine(engineId: string): Promise<EngineInfo> {
    const record = this.registry.get(engineId);
    // Checked before the supervisor lets go: a refused restart must not orphan a pending one.
    if (!canTransition(record.status, 'restart')) throw new InvalidTransitionError(record.status, 'restart');
    this.supervisor.forget(engineId);
    this.registry.transition(engineId, 'restart', 'restart requested');
    await this.lifecycle.stop(engineId);
    try {
      await this.relaunch(record, 'restart requested');
    } catch (error) {
      // Never left RESTARTING with nobody to finish the restart.
      if (this.registry.find(engineId)?.status === 'RESTARTING') {
        await this.failEngine(engineId, `restart failed: ${(error as Error).message}`);
      }
      throw error;
    }
    this.supervisor.resetAttempts(engineId);
    this.supervisor.watchStartup(engineId);
    return this.getEngine(engineId);
  }

  /** Forget STOPPED and FAILED engines. Returns the ids removed. */
  async pruneEngines(): Promise<string[]> {
    const removed: string[] = [];
    for (const record of this.registry.list()) {
      if (!isTerminal(record.status)) continue;
      await this.lifecycle.remove(record.engineId);
      this.supervisor.forget(record.engineId);
      this.registry.delete(record.engineId);
      this.usage.forget(record.engineId);
      this.sleeper.forget(record.engineId);
      removed.push(record.engineId);
    }
    return removed;
  }

  /**
   * Report that requests to a RUNNING engine keep failing on the server side (the gateway saw
   * 5xx answers or broken connections): the engine becomes UNHEALTHY, gets no new traffic, and
   * the health loop restores or restarts it. Returns false when the engine was not RUNNING.
   */
  reportEngineFailure(engineId: string, reason: string): boolean {
    if (this.registry.find(engineId)?.status !== 'RUNNING') return false;
    this.registry.transition(engineId, 'unhealthy', reason);
    return true;
  }

  listEngines(): EngineInfo[] {
    const now = this.now();
    return this.registry
      .list()
      .map((record) => toEngineInfo(record, now, this.downloads.progress(record.engineId)));
  }

  getEngine(engineId: string): EngineInfo {
    return toEngineInfo(this.registry.get(engineId), this.now(), this.downloads.progress(engineId));
  }

  findEngine(engineId: string): EngineInfo | undefined {
    const record = this.registry.find(engineId);
    return record && toEngineInfo(record, this.now(), this.downloads.progress(engineId));
  }

  /** Pull a model into the cache (or find it there); see `ModelPuller.pull`. */
  pullModel(
    request: ModelPullRequest,
    options: {
      signal?: AbortSignal | undefined;
      onEvent?: ((event: ModelPullEvent) => void) | undefined;
    } = {},
  ): Promise<CachedModel> {
    return this.models.pull(request, options);
  }

  /** What is in the model cache, most recently used first. */
  listCachedModels(): Promise<CachedModel[]> {
    return this.models.cache.list();
  }

  /** Delete a cached model file by its cache id (404 when there is none). */
  removeCachedModel(id: string): Promise<CachedModel> {
    return this.models.cache.remove(id);
  }

  async getGpuStatus(): Promise<GpuStatus[]> {
    return this.gpu.getSystemStatus();
  }

  /** Engines, GPUs and a count of engines per state. */
  async getClusterStatus(): Promise<{
    engines: EngineInfo[];
    gpus: GpuStatus[];
    engineCounts: Record<string, number>;
  }> {
    const engines = this.listEngines();
    const engineCounts: Record<string, number> = {};
    for (const engine of engines) engineCounts[engine.status] = (engineCounts[engine.status] ?? 0) + 1;
    return { engines, gpus: await this.gpu.getSystemStatus(), engineCounts };
  }

  /** The last lines of an engine's own log. */
  async engineLogs(engineId: string, lines: number = CONTROL_PLANE_DEFAULTS.logTailLines): Promise<string[]> {
    this.registry.get(engineId);
    return this.lifecycle.logTail(engineId, lines);
  }

  /** New lines of an engine's own log as they come, until `signal` aborts. */
  async followEngineLogs(
    engineId: string,
    onLines: (lines: string[]) => void,
    signal: AbortSignal,
  ): Promise<void> {
    this.registry.get(engineId);
    await this.lifecycle.followLogs(engineId, onLines, signal);
  }

  /**
   * Stop the health loop and, unless `stopEngines` is false, every engine. With
   * `stopEngines: false` engines keep running and the next manager over the same state
   * directory adopts them.
   */
  async close(options: { stopEngines?: boolean } = {}): Promise<void> {
    this.closing = true;
    this.controller.close();
    this.supervisor.close();
    // A download left behind resumes from its partial file at the next start.
    this.downloads.cancelAll();
    this.scheduler.close();
    // A start that began before close() ends here: it sees `closing` once its engine is
    // registered and stops it, so nothing is spawned after close() resolved.
    await Promise.allSettled([...this.pendingStarts]);
    if (options.stopEngines ?? true) {
      // In parallel: N engines that ignore SIGTERM cost one stop timeout, not N.
      const live = this.registry.list().filter((record) => !isTerminal(record.status));
      await Promise.all(
        live.map((record) =>
          this.requestEngineShutdown(record.engineId).catch((error: unknown) =>
            this.logger.error({ engineId: record.engineId, err: error }, 'engine could not be stopped'),
          ),
        ),
      );
    }
    if (options.stopEngines ?? true) {
      // Whatever still carries our marker (a wrapper's daemonised child, a launch no record
      // claims) is ours to stop too: "engines stopped" is then the truth.
      const running = await this.lifecycle.list().catch((error: unknown) => {
        this.logger.error({ err: error }, 'the executor could not list its engines');
        return [];
      });
      for (const launch of running) {
        await this.lifecycle
          .stopOrphan(launch)
          .catch((error: unknown) =>
            this.logger.error({ engineId: launch.engineId, err: error }, 'engine could not be stopped'),
          );
      }
    }
    await this.registry
      .flush()
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'engine registry could not be saved at close'),
      );
    this.registry.close();
    await this.lifecycle.close();
    if (this.started) await this.stateDirLock.release();
    this.unregisterExitCleanup?.();
  }

  /**
   * SIGKILL every engine of this control plane at once, synchronously (a process that must exit
   * now, e.g. a second Ctrl-C, without leaving engines behind). Records are not updated: the next
   * manager over the state directory finds the processes gone.
   */
  killEnginesNow(): void {
    this.lifecycle.killAllSync();
  }

  private startupTimeoutMs(backend: EngineBackend): number {
    return this.options.startupTimeoutMs ?? backend.startupTimeoutMs;
  }

  /** RESTARTING → STARTING with the same id; re-acquires resources released by FAILED/STOPPED. */
  private async relaunch(record: EngineRecord, reason: string): Promise<void> {
    const backend = this.backends.get(record.backend);
    // Again at every relaunch: a record persisted under an older, looser policy gets no command line.
    this.requestPolicy.check(record.request, backend);
    this.launcher.checkProgram(backend, record.request);
    const cached = await this.cachedModel(record.request.modelId);
    if (isPullableModelId(record.request.modelId) && !cached) {
      // The file left the cache (or was never complete): pull it again, then spawn.
      await this.releaseResources(record);
      this.registry.update(record.engineId, { restartCount: record.restartCount + 1 });
      this.registry.transition(record.engineId, 'download', `${reason}: the model is not in the cache`);
      void this.downloadAndLaunch(record.engineId, backend);
      return;
    }
    if (!record.resourcesHeld) {
      await this.launcher.acquireResources(
        record,
        { preferPort: record.port, port: record.request.port },
        cached?.path,
      );
    } else {
      await this.launcher.recheckPort(record);
    }
    if (this.registry.find(record.engineId)?.status !== 'RESTARTING') {
      // Stopped (or failed) while its port and GPUs were being re-acquired: spawn nothing, hold nothing.
      await this.launcher.releaseResources({ ...record, resourcesHeld: true });
      throw new EngineStartError(
        record.engineId,
        `engine ${record.engineId} left RESTARTING during its relaunch`,
      );
    }
    await this.launcher.launch(record, backend, cached?.path);
    this.registry.update(record.engineId, { restartCount: record.restartCount + 1 });
    this.registry.transition(record.engineId, 'spawned', reason);
  }

  /** The cache entry of a pulled model id (marked used), or undefined (not pulled, or not an hf:/URL id). */
  private async cachedModel(modelId: string): Promise<CachedModel | undefined> {
    if (!isPullableModelId(modelId)) return undefined;
    const cached = await this.models.findCached({ ref: modelId });
    if (cached) await this.models.cache.touch(cached.id).catch(() => {});
    return cached;
  }

  /**
   * DOWNLOADING → STARTING: pull the engine's model, then reserve its port and GPUs (sized by
   * the file's GGUF header) and spawn it; the startup watch (and its timeout) begins only then.
   * A failed pull makes the engine FAILED with the pull error; a stop cancels the pull.
   */
  private async downloadAndLaunch(engineId: string, backend: EngineBackend): Promise<void> {
    const record = this.registry.find(engineId);
    if (!record) return;
    const stillDownloading = () => this.registry.find(engineId)?.status === 'DOWNLOADING';
    let model: CachedModel;
    try {
      model = await this.downloads.run(engineId, record.request.modelId);
    } catch (error) {
      if (stillDownloading())
        await this.failEngine(engineId, `model download failed: ${(error as Error).message}`);
      return;
    }
    if (!stillDownloading()) return;
    try {
      if (!record.resourcesHeld) {
        await this.launcher.acquireResources(
          record,
          { port: record.request.port, preferPort: record.port === 0 ? undefined : record.port },
          model.path,
        );
      }
      if (!stillDownloading()) {
        await this.releaseResources(record);
        return;
      }
      await this.launcher.launch(record, backend, model.path);
    } catch (error) {
      if (stillDownloading())
        await this.failEngine(engineId, `start after the download failed: ${(error as Error).message}`);
      return;
    }
    this.registry.update(engineId, {});
    this.registry.transition(engineId, 'downloaded', `model ${model.ref} is in the cache`);
    this.logger.info(
      { engineId, port: record.port, gpuIds: record.gpuIds, path: model.path },
      'engine-started',
    );
    this.supervisor.watchStartup(engineId);
  }

  /** Give the port and GPUs back; a lock file that cannot be removed is logged, never a stuck engine. */
  private async releaseResources(record: EngineRecord): Promise<void> {
    await this.launcher.releaseResources(record).catch((error: unknown) => {
      record.resourcesHeld = false;
      this.logger.error(
        { engineId: record.engineId, err: error },
        'engine resources could not be released cleanly',
      );
    });
    if (this.registry.find(record.engineId)) this.registry.update(record.engineId, { resourcesHeld: false });
  }

  private async relaunchAfterAdoption(record: EngineRecord): Promise<void> {
    await this.relaunch(record, 'restarted after a gateway restart: the process was gone');
    this.supervisor.watchStartup(record.engineId);
  }

  private async waitForDrain(engineId: string): Promise<void> {
    const deadline = this.now() + (this.options.drainTimeoutMs ?? CONTROL_PLANE_DEFAULTS.drainTimeoutMs);
    while (this.scheduler.load(engineId) > 0 && this.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** An exit the executor classified (its codes are the executor's business, docs/engines.md). */
  private onEngineExit(event: EngineExitEvent): void {
    const record = this.registry.find(event.engineId);
    // A launch that is not the engine's current one (replaced meanwhile) says nothing about it.
    if (!record || (record.generation !== null && record.generation !== event.generation)) return;
    const { exit } = event;
    this.registry.update(event.engineId, {
      pid: null,
      generation: null,
      lastExitCode: exit.exitCode,
      lastExitSignal: exit.signal,
      lastExitClass: exit.class,
    });
    this.logger.warn(
      { engineId: event.engineId, exitCode: exit.exitCode, signal: exit.signal, exitClass: exit.class },
      `engine-exit: ${exit.description}`,
    );
    if (record.status === 'SLEEPING') {
      void this.sleeper.exited(event.engineId);
      return;
    }
    this.supervisor.onProcessExit(event.engineId, exit);
  }

  private async failEngine(engineId: string, reason: string, exitClass?: EngineExitClass): Promise<void> {
    const record = this.registry.get(engineId);
    const tail = await this.lifecycle.logTail(engineId, CONTROL_PLANE_DEFAULTS.logTailLines);
    const alive = this.lifecycle.isAlive(engineId);
    // Stopped even when not alive: a crash-looping Deployment serves nothing but still exists
    // (and restarts its pod); for a launch that already ended it is a no-op.
    const stopped = await this.lifecycle.stop(engineId);
    const exit = alive ? stopped : null;
    await this.releaseResources(record);
    const lastError = [`${reason}`, ...(tail.length > 0 ? ['last log lines:', ...tail] : [])].join('\n');
    this.registry.update(engineId, {
      ...NO_LAUNCH,
      spawnedAt: null,
      lastError,
      lastExitCode: exit?.exitCode ?? record.lastExitCode,
      ...(exitClass ? { lastExitClass: exitClass } : {}),
    });
    this.registry.transition(engineId, 'fail', reason);
    const current = this.registry.get(engineId);
    this.logger.error(
      {
        engineId,
        exitCode: current.lastExitCode,
        signal: current.lastExitSignal,
        exitClass: current.lastExitClass,
        reason,
        logTail: tail,
      },
      'engine-failed',
    );
  }

  /** The seam the model layer acts through (docs/models.md). */
  private modelEngines(): ModelEngines {
    return {
      list: () => this.registry.list().map((record) => this.modelEngineView(record)),
      gpus: async () =>
        (await this.gpu.getSystemStatus()).map((gpu) => ({
          index: gpu.index,
          totalGb: gpu.memoryTotalGb,
          freeGb: gpu.memoryFreeGb,
        })),
      gbPerGpu: (model: CatalogModel, largestGpuGb: number) =>
        model.memoryGb ??
        this.gpu.estimateModelMemory(model.modelId, model.tensorParallel, {
          engineKind: model.kind,
          gpuMemoryTotalGb: largestGpuGb,
        }),
      start: async (model, placement) => {
        const onGpu = placement.gpuIds.length > 0;
        const engine = await this.requestEngineStartup(model.modelId, {
          backend: model.backend,
          engineKind: model.kind,
          useGpu: onGpu,
          ...(onGpu ? { gpuIds: placement.gpuIds, requiredMemoryGb: placement.gbPerGpu } : {}),
          tensorParallelSize: model.tensorParallel,
          engineLabel: model.name,
          ...(model.maxConcurrentRequests === undefined
            ? {}
            : { maxConcurrentRequests: model.maxConcurrentRequests }),
          metadata: { catalog_model: model.name },
          // Untrusted entries (an inline preset over the API) pass the allow-list like extra_args.
          ...(model.trusted || model.args.length === 0 ? {} : { extraArgs: [...model.args] }),
        });
        return engine.engineId;
      },
      waitRunning: async (engineId) => {
        await waitForRunning(this.registry, engineId, MODEL_DEFAULTS.engineWaitMs);
      },
      stop: async (engineId) => {
        await this.requestEngineShutdown(engineId, { drain: true });
      },
      canSleep: (engineId) => this.sleeper.canSleep(engineId),
      sleep: (engineId) => this.sleeper.sleep(engineId),
      wake: (engineId) => this.sleeper.wake(engineId),
      queued: (name) => this.scheduler.queueStats().get(name)?.depth ?? 0,
      notifyChanged: () => this.scheduler.notifyEnginesChanged(),
    };
  }

  private modelEngineView(record: EngineRecord): ModelEngineView {
    const catalogModel = record.request.metadata?.catalog_model;
    return {
      engineId: record.engineId,
      model:
        typeof catalogModel === 'string' && record.request.engineLabel === catalogModel ? catalogModel : null,
      status: record.status,
      gpuIds: record.gpuIds,
      gbPerGpu: record.reservedMemoryGbPerGpu,
      inFlight: this.scheduler.load(record.engineId),
      createdAt: Date.parse(record.createdAt),
      lastError: record.lastError,
    };
  }

  private supervisedEngines(): SupervisedEngines {
    return {
      list: () =>
        this.registry.list().map((record) => ({
          engineId: record.engineId,
          status: record.status,
          startupTimeoutMs: this.startupTimeoutMs(this.backends.get(record.backend)),
          memoryLimit: memoryLimitOf(
            { device: record.device, requiredMemoryGb: record.request.requiredMemoryGb },
            this.options.engineMemoryCapMb,
          ),
        })),
      isAlive: (engineId) => this.lifecycle.isAlive(engineId),
      sample: (engineIds, memory) => this.lifecycle.sample(engineIds, memory),
      healthCheck: (engineId, timeoutMs) => this.lifecycle.healthCheck(engineId, { timeoutMs }),
      apply: supervisorEffects({
        registry: this.registry,
        stopLaunch: (engineId) => this.lifecycle.stop(engineId),
        relaunch: (record, reason) => this.relaunch(record, reason),
        fail: (engineId, reason, exitClass) => this.failEngine(engineId, reason, exitClass),
      }),
    };
  }
}

/** A record's fields of a launch that no longer runs. */
const NO_LAUNCH = { pid: null, generation: null, address: null } as const;

function supervisorOptions(options: ControlPlaneManagerOptions) {
  const picked = {
    autoRestart: options.autoRestart,
    maxRestartAttempts: options.maxRestartAttempts,
    healthCheckIntervalMs: options.healthCheckIntervalMs,
    healthCheckTimeoutMs: options.healthCheckTimeoutMs,
    consecutiveFailuresThreshold: options.consecutiveFailuresThreshold,
    restartBackoffBaseMs: options.restartBackoffBaseMs,
    restartBackoffMaxMs: options.restartBackoffMaxMs,
    restartResetAfterMs: options.restartResetAfterMs,
    readinessPollMs: options.readinessPollMs,
    processSampleIntervalMs: options.processSampleIntervalMs,
  };
  return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as Partial<T>;
}

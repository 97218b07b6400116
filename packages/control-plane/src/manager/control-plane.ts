import type { EventEmitter } from 'node:events';
import type {
  CachedModel,
  DownloadProgress,
  EngineInfo,
  EngineStartRequest,
  GpuStatus,
} from '@sage/protocol';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import type { EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import type { ModelController } from '../models/model-controller.js';
import type { ModelEvent } from '../models/model-events.js';
import type { ModelPullEvent, ModelPullRequest } from '../models/model-puller.js';
import type { PortAllocator } from '../ports/port-allocator.js';
import type { RequestScheduler } from '../scheduler/request-scheduler.js';
import type {
  Lease,
  ScheduleRequest,
  SchedulerSnapshot,
  SchedulingDecisionEvent,
} from '../scheduler/scheduler-types.js';
import type { EngineRegistry, EngineStateChange } from '../state/engine-registry.js';
import type { RestartSupervisor } from '../supervisor/restart-supervisor.js';

/** Camel-case start options; `modelId` is given separately. */
export type EngineStartOptions = Partial<Omit<EngineStartRequest, 'modelId'>>;

/** What the control plane announces (`on` / `off`). */
export interface ControlPlaneEvents {
  'engine-state-change': [EngineStateChange];
  'scheduling-decision': [SchedulingDecisionEvent];
  'engine-download-progress': [{ engineId: string; progress: DownloadProgress }];
  'model-event': [ModelEvent];
}

/** The catalog operations the gateway may use (docs/models.md); the controller keeps the rest. */
export type CatalogOperations = Pick<ModelController, 'list' | 'get' | 'load' | 'unload' | 'add'>;

/**
 * Everything the gateway may call on the control plane: `ControlPlaneManager` implements it and
 * keeps its parts (GPUs, ports, lifecycle, registry, supervisor, scheduler, model cache) private.
 */
export interface ControlPlane
  extends Pick<EventEmitter<ControlPlaneEvents>, 'on' | 'off' | 'once' | 'listenerCount'> {
  /** The state directory (registry, logs, model cache, admin token). */
  readonly stateDir: string;
  /** Whether the GPUs are the mock ones (`SAGE_GPU_MOCK_COUNT`, or no NVML). */
  readonly gpuMock: boolean;
  /** The model catalog: on-demand loads, idle unloads, replicas. */
  readonly catalog: CatalogOperations;
  /** The scheduling policy requests get when they name none. */
  readonly schedulingPolicy: string;

  start(): Promise<void>;
  close(options?: { stopEngines?: boolean }): Promise<void>;
  /** Kill every engine at once (process exit). */
  killEnginesNow(): void;

  requestEngineStartup(modelId: string, options?: EngineStartOptions): Promise<EngineInfo>;
  waitForEngine(engineId: string, options?: { timeoutMs?: number }): Promise<EngineInfo>;
  requestEngineShutdown(engineId: string, options?: { drain?: boolean }): Promise<EngineInfo>;
  restartEngine(engineId: string): Promise<EngineInfo>;
  pruneEngines(): Promise<string[]>;
  /** A request saw the engine fail: RUNNING → UNHEALTHY (false when it was not RUNNING). */
  reportEngineFailure(engineId: string, reason: string): boolean;
  listEngines(): EngineInfo[];
  getEngine(engineId: string): EngineInfo;
  /** The engine, or undefined when there is none by that id. */
  findEngine(engineId: string): EngineInfo | undefined;
  engineGeneration(engineId: string): string | null;
  engineLogs(engineId: string, lines?: number): Promise<string[]>;
  followEngineLogs(engineId: string, onLines: (lines: string[]) => void, signal: AbortSignal): Promise<void>;

  listCachedModels(): Promise<CachedModel[]>;
  removeCachedModel(id: string): Promise<CachedModel>;
  pullModel(
    request: ModelPullRequest,
    options?: { signal?: AbortSignal | undefined; onEvent?: ((event: ModelPullEvent) => void) | undefined },
  ): Promise<CachedModel>;

  getGpuStatus(): Promise<GpuStatus[]>;
  getClusterStatus(): Promise<{
    engines: EngineInfo[];
    gpus: GpuStatus[];
    engineCounts: Record<string, number>;
  }>;

  /** A lease on an engine slot for one inference request (queue → policy → engine, SPEC section 7). */
  acquire(request: ScheduleRequest, signal?: AbortSignal): Promise<Lease>;
  /** Whether requests under `policy` (or the default one) need their prompt's prefix hashes. */
  needsPrefixHashes(policy?: string): boolean;
  /** The queue: depth, capacity, in flight per engine. */
  queueSnapshot(): SchedulerSnapshot;
  /** Requests in flight on one engine. */
  engineLoad(engineId: string): number;
  setSchedulingPolicy(name: string): void;
}

/**
 * The manager's parts, for tests only (`ControlPlaneManagerOptions.exposeParts`): production code
 * goes through {@link ControlPlane}.
 */
export interface ControlPlaneParts {
  readonly gpu: GPUResourceManager;
  readonly ports: PortAllocator;
  readonly lifecycle: EngineLifecycleManager;
  readonly registry: EngineRegistry;
  readonly supervisor: RestartSupervisor;
  readonly scheduler: RequestScheduler;
}

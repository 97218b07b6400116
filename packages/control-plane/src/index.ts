// @sage/control-plane — the public door (STYLE G9). Named exports only.

// Protocol types the control plane speaks
export type { EngineInfo, EngineKind, EngineStartRequest, EngineStatus, GpuStatus } from '@sage/protocol';
// Backends
export { BackendRegistry, builtinBackends, defaultBackendName } from './backends/backend-registry.js';
export { CustomBackendOptions, createCustomBackend } from './backends/custom.js';
export {
  allowedFlagProblem,
  DANGEROUS_FLAGS,
  type ExtraArgsProblem,
  type ExtraArgsRules,
  extraArgsProblem,
} from './backends/engine-args.js';
export type {
  EngineBackend,
  EngineLaunchSpec,
  EnginePlacement,
  EngineSleepMode,
} from './backends/engine-backend.js';
export {
  buildEngineEnv,
  ENGINE_ENV_ALLOWED,
  GATEWAY_SECRET_VARIABLES,
  isPassedToEngines,
  openAiHealthPaths,
  PROXY_VARIABLES,
  placementEnv,
} from './backends/engine-env.js';
export { EngineRequestPolicy, type EngineRequestPolicyOptions } from './backends/engine-request-policy.js';
export { hfEmbedBackend } from './backends/hf-embed.js';
export { sageBackend } from './backends/sage.js';
export { gpuMemoryUtilization, vllmBackend } from './backends/vllm.js';
// Defaults and errors
export { CONTROL_PLANE_DEFAULTS, type ControlPlaneDefaults, MODEL_DEFAULTS } from './defaults.js';
export {
  BackendUnavailableError,
  CachedModelNotFoundError,
  EngineNotFoundError,
  EngineStartError,
  ExecutorUnavailableError,
  InsufficientGpuMemoryError,
  InvalidTransitionError,
  ModelPullError,
  type ModelPullFailure,
  PortUnavailableError,
  StateDirectoryUnwritableError,
  UnknownBackendError,
} from './errors.js';
// Executors (the seam engines run through: SPEC §9)
export type {
  EngineAddress,
  EngineExecutor,
  EngineExit,
  EngineSample,
  ExecutorEvent,
  ExecutorGpu,
  ExecutorHandle,
  ExecutorLaunchSpec,
  ExecutorTarget,
  LaunchCheck,
  LaunchedEngine,
  RecordedLaunch,
  RunningEngine,
} from './executors/engine-executor.js';
export type { ExecutorContext, ExecutorDefinition } from './executors/executor-definition.js';
export {
  createExecutor,
  EXECUTORS,
  type ExecutorConfig,
  ExecutorConfigSchema,
  type ExecutorSection,
  executorKinds,
} from './executors/executor-registry.js';
export {
  LocalProcessExecutor,
  type LocalProcessExecutorOptions,
} from './executors/local/local-process-executor.js';
// GPUs
export { GPUResourceManager, type GPUResourceManagerOptions } from './gpu/gpu-resource-manager.js';
export { estimateModelMemory } from './gpu/memory-estimate.js';
export { parseComputeAppsQuery, parseGpuQuery } from './gpu/nvidia-smi-parser.js';
export {
  type EngineExitEvent,
  EngineLifecycleManager,
  type EngineLifecycleManagerOptions,
} from './lifecycle/engine-lifecycle-manager.js';
// Engine processes
export { followLog, readLogTail } from './lifecycle/engine-log.js';
export { ENGINE_MARKER_VARIABLES } from './lifecycle/engine-markers.js';
export { classifyExit, type ExitClassification } from './lifecycle/exit-classification.js';
// Manager
export type {
  CatalogOperations,
  ControlPlane,
  ControlPlaneEvents,
  ControlPlaneParts,
  EngineStartOptions,
} from './manager/control-plane.js';
export { ControlPlaneManager } from './manager/control-plane-manager.js';
export type { ControlPlaneManagerOptions } from './manager/control-plane-options.js';
export { defaultStateDir } from './manager/state-dir.js';
// Models on demand
export { type CatalogModel, catalogModelFromWire } from './models/catalog-model.js';
// Model cache
export { DEFAULT_HUB_ENDPOINT, type HubSettings, hubSettings } from './models/hub.js';
export { cacheIdOf, ModelCache } from './models/model-cache.js';
export { ModelCatalog } from './models/model-catalog.js';
export { type CatalogModelStatus, ModelController } from './models/model-controller.js';
export type { ModelEngines, ModelEngineView } from './models/model-engines.js';
export {
  ModelLoadFailedError,
  ModelLoadTimeoutError,
  ModelTooLargeError,
  UnknownCatalogModelError,
} from './models/model-errors.js';
export type { ModelEvent, ModelLoadReason, ModelUnloadReason } from './models/model-events.js';
export {
  type ModelPullEvent,
  ModelPuller,
  type ModelPullerOptions,
  type ModelPullRequest,
} from './models/model-puller.js';
export {
  DEFAULT_REVISION,
  formatModelRef,
  isPullableModelId,
  type ModelRef,
  type ModelRefOptions,
  parseModelRef,
} from './models/model-ref.js';
export {
  evictionOrder,
  type PlacementInput,
  type PlacementPlan,
  planPlacement,
  type ResidentEngine,
} from './models/placement-planner.js';
export { planScaling, type ScalingAction, type ScalingInput } from './models/scaling-planner.js';
// Ports
export {
  type PortAllocateOptions,
  PortAllocator,
  type PortAllocatorOptions,
} from './ports/port-allocator.js';
// Scheduler
export { type PlanEntry, planDispatch, planRound } from './scheduler/dispatch-plan.js';
export { EngineLoadTracker } from './scheduler/engine-load-tracker.js';
export {
  type SchedulingPolicyName,
  schedulingPolicies,
  schedulingPolicyNames,
} from './scheduler/policies/registry.js';
export type {
  CandidateView,
  PickExplanation,
  PolicyContext,
  QueueCounts,
  QueuedRequest,
  SchedulingPolicy,
  SchedulingPolicyFactory,
  SchedulingPolicyFactoryOptions,
  WaitForEngine,
} from './scheduler/policies/scheduling-policy.js';
export {
  costScorer,
  explainScored,
  latencyScorer,
  loadScorer,
  pickScored,
  prefixScorer,
  queueScorer,
  rawPrefixScorer,
  type Scorer,
  scoredPolicy,
  urgencyScorer,
  type WeightedScorer,
  weighted,
} from './scheduler/policies/scoring.js';
export { DEFAULT_PREFIX_CACHE_CHUNKS, PrefixCacheIndex } from './scheduler/prefix-cache-index.js';
export { MAX_PROMPT_CHUNKS, PROMPT_CHUNK_CHARS, promptPrefixHashes } from './scheduler/prompt-prefix.js';
export { type QueueOrder, queueOrderFor } from './scheduler/queue-order.js';
export {
  DEFAULT_QUEUE_CAPACITY,
  DEFAULT_QUEUE_TIMEOUT_MS,
  RequestScheduler,
  type RequestSchedulerOptions,
} from './scheduler/request-scheduler.js';
export {
  EngineUnavailableError,
  ModelNotFoundError,
  QueueFullError,
  QueueTimeoutError,
  SchedulerClosedError,
  SchedulingPolicyError,
  UnknownPolicyError,
} from './scheduler/scheduler-errors.js';
export type {
  Lease,
  LeaseOutcome,
  ModelQueueStats,
  OnDemandModels,
  SchedulableEngine,
  ScheduleExplanation,
  ScheduleRequest,
  SchedulerSnapshot,
  SchedulingDecisionEvent,
} from './scheduler/scheduler-types.js';
// State
export type { EngineRecord } from './state/engine-record.js';
export type { EngineStateChange } from './state/engine-registry.js';
export { type EngineEvent, nextEngineStatus } from './state/engine-state.js';
export { RegistryFileError } from './state/registry-file-error.js';
export { FileRegistryStore, REGISTRY_VERSION, type RegistryStore } from './state/registry-store.js';
export { StateDirectoryInUseError, StateDirectoryLock } from './state/state-dir-lock.js';
export {
  RestartSupervisor,
  type RestartSupervisorOptions,
  type SupervisedEngines,
  type SupervisorIntent,
} from './supervisor/restart-supervisor.js';

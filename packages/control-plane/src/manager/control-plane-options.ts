import type { CatalogGroupWire } from '@sage/protocol';
import type { Logger } from 'pino';
import type { EngineBackend } from '../backends/engine-backend.js';
import type { EngineExecutor } from '../executors/engine-executor.js';
import type { ExecutorSection } from '../executors/executor-registry.js';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import type { EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import type { CatalogModel } from '../models/catalog-model.js';
import type { ModelPullerOptions } from '../models/model-puller.js';
import type { PortAllocator } from '../ports/port-allocator.js';
import type { RegistryStore } from '../state/registry-store.js';
import type { ControlPlaneParts } from './control-plane.js';

/** Options of {@link ControlPlaneManager}. Every numeric default is in `CONTROL_PLANE_DEFAULTS`. */
export interface ControlPlaneManagerOptions {
  /** State directory: engine logs, registry, port locks. Default `SAGE_HOME`, else `~/.sage`. */
  stateDir?: string;
  /** The gateway's own port, never given to an engine. Default 8889. */
  gatewayPort?: number;
  /** Address engines bind and are reached at. Default 127.0.0.1. */
  engineHost?: string;
  autoRestart?: boolean;
  maxRestartAttempts?: number;
  healthCheckIntervalMs?: number;
  healthCheckTimeoutMs?: number;
  consecutiveFailuresThreshold?: number;
  restartBackoffBaseMs?: number;
  restartBackoffMaxMs?: number;
  restartResetAfterMs?: number;
  readinessPollMs?: number;
  /** Milliseconds between two samples of engine processes (frozen? past the memory bound?). */
  processSampleIntervalMs?: number;
  /**
   * Resident memory (MB) an engine's whole process tree may hold, while loading or later; past it
   * the engine is stopped and FAILED (`out_of_memory`). An engine on the CPU with an explicit
   * `required_memory_gb` is also bound by that. Default: no cap.
   */
  engineMemoryCapMb?: number;
  stopTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** Overrides each backend's own startup timeout (tests use short ones). */
  startupTimeoutMs?: number;
  /**
   * Stop engines when this process exits or is killed by a signal nobody else handles
   * (embedded mode: engines must not outlive the application). Default false: a gateway's
   * engines survive a gateway restart and are adopted.
   */
  stopEnginesOnExit?: boolean;
  /**
   * Flags a start request's `extra_args` may pass, per backend name (`engines.allowed_extra_args`
   * in sage.yaml). Default: none. Owned and dangerous flags cannot be allowed (docs/security.md).
   */
  allowedExtraArgs?: Readonly<Record<string, readonly string[]>>;
  /** Directories a `model_id` that is a path may lie under. Default: `<stateDir>/models`. */
  modelDirs?: readonly string[];
  /**
   * The model cache's puller (`models:` in sage.yaml): `hubEndpoint` (a mirror; wins over
   * `HF_ENDPOINT`), attempts and delays of resumed downloads, the progress interval.
   */
  models?: Omit<ModelPullerOptions, 'cacheDir' | 'env' | 'logger'>;
  /** Custom backends (from configuration, never from the HTTP API). */
  customBackends?: readonly EngineBackend[];
  /**
   * Environment engines inherit from. Only allowed variables pass (`ENGINE_ENV_ALLOWED` plus
   * `passEnv`), never the gateway's keys; then each backend's own variables. Default `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Variables (names, or `PREFIX_*`) engines inherit beyond `ENGINE_ENV_ALLOWED` (`engines.pass_env`). */
  passEnv?: readonly string[];
  logger?: Logger;
  /**
   * Where engines run: `sage.yaml`'s `executor:` section as written (`{ kind: local }` when
   * absent; `{ kind: kubernetes, namespace, kubeconfig? }`: docs/scale-out.md), or a built
   * {@link EngineExecutor}. Ignored when `lifecycle` is given.
   */
  executor?: ExecutorSection | EngineExecutor;
  /** Injected parts (tests). */
  gpu?: GPUResourceManager;
  ports?: PortAllocator;
  lifecycle?: EngineLifecycleManager;
  store?: RegistryStore;
  /** Tests only: receives the manager's parts once built (production code uses `ControlPlane`). */
  exposeParts?: (parts: ControlPlaneParts) => void;
  /** The request scheduler: default policy (`adaptive`), queue capacity and timeout. */
  scheduling?: {
    policy?: string | undefined;
    policyParameters?: Readonly<Record<string, unknown>> | undefined;
    queueCapacity?: number | undefined;
    queueTimeoutMs?: number | undefined;
  };
  /** The model catalog and its timings (`models:` and `model_loading:` in sage.yaml, docs/models.md). */
  catalog?: {
    models?: readonly CatalogModel[] | undefined;
    /** `together` / `exclusive` groups of catalog models (`model_groups:` in sage.yaml). */
    groups?: readonly CatalogGroupWire[] | undefined;
    /** Longest wait of a request for its model's load (503 with Retry-After after it). */
    loadTimeoutMs?: number | undefined;
    /** After a failed load, requests for the model get its error for this long. */
    failureHoldoffMs?: number | undefined;
    /** A RUNNING engine younger than this is never evicted (anti-thrash). */
    minResidencyMs?: number | undefined;
    /** Period of the idle-unload and replica loop. */
    checkIntervalMs?: number | undefined;
    /** Queue wait of a model's oldest request that starts another replica. */
    scaleUpQueueWaitMs?: number | undefined;
    /** Idle time after which a replica beyond the first is stopped. */
    replicaIdleMs?: number | undefined;
    /** How often a load waiting for GPU memory looks again. */
    placementPollMs?: number | undefined;
    /** Limit of each sleep, wake and post-wake canary call of a sleeping engine. */
    sleepTimeoutMs?: number | undefined;
  };
  now?: () => number;
}

import { randomBytes } from 'node:crypto';
import type { EngineStartRequest } from '@sage/protocol';
import type { Logger } from 'pino';
import type { EngineBackend, EnginePlacement } from '../backends/engine-backend.js';
import { buildEngineEnv } from '../backends/engine-env.js';
import { BackendUnavailableError } from '../errors.js';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import type { EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import type { PortAllocator } from '../ports/port-allocator.js';
import type { EngineRecord } from '../state/engine-record.js';
import { specMarkerOf } from './engine-spec.js';
import { findProgram } from './find-program.js';
import { decideGpu } from './gpu-decision.js';

export interface EngineLauncherParts {
  gpu: GPUResourceManager;
  ports: PortAllocator;
  lifecycle: EngineLifecycleManager;
  stateDir: string;
  /** The environment engines inherit from (filtered by the allow-list), before their backend's own variables. */
  env: NodeJS.ProcessEnv;
  /** Variable names (or `PREFIX_*`) engines inherit beyond the built-in allow-list. */
  passEnv: readonly string[];
  logger: Logger;
  now: () => number;
  /** The engine's memory bound, for an executor that can enforce it (a container limit). */
  memoryLimitBytes?: (record: EngineRecord) => number | undefined;
  /** Operator-trusted arguments of the engine (a catalog model's `args`), put before its `extra_args`. */
  trustedArgs?: (record: EngineRecord) => readonly string[];
  /** True when the engine is started with its backend's sleep mode (a catalog engine with `sleep: true`). */
  sleepMode?: (record: EngineRecord) => boolean;
}

/**
 * Places and launches one engine: decides GPU or CPU, reserves GPUs and a port, builds the
 * command from the backend and spawns it. It mutates the record it is given; the manager
 * persists it and moves its state.
 */
export class EngineLauncher {
  constructor(private readonly parts: EngineLauncherParts) {}

  /** A missing program is a clear error before anything is reserved, never a crash loop. */
  checkProgram(backend: EngineBackend, request: EngineStartRequest): void {
    const program = backend.program?.(request);
    if (program && !findProgram(program, this.parts.env.PATH)) {
      throw new BackendUnavailableError(backend.name, `program '${program}' was not found on this host`);
    }
  }

  /** Reserve GPUs (SPEC C) and a port; `preferPort` keeps a restarted engine's port. */
  async acquireResources(
    record: EngineRecord,
    options: { port?: number | undefined; preferPort?: number | undefined },
    /** The cached file of a pulled model: its GGUF header sizes the GPU reservation. */
    modelPath?: string,
  ): Promise<void> {
    const { gpu, ports, logger } = this.parts;
    const { request } = record;
    const gpus = await gpu.getSystemStatus();
    const decision = decideGpu(request, gpus.length);
    if (decision.useGpu) {
      const parallelism = request.tensorParallelSize * request.pipelineParallelSize;
      const perGpuGb =
        request.requiredMemoryGb ??
        gpu.estimateModelMemory(modelPath ?? request.modelId, parallelism, {
          engineKind: request.engineKind,
          gpuMemoryTotalGb: Math.max(0, ...gpus.map((status) => status.memoryTotalGb)),
        });
      const pinned = request.gpuIds ?? (record.gpuIds.length > 0 ? record.gpuIds : undefined);
      record.gpuIds = await gpu.allocateResources(perGpuGb, decision.gpuCount, {
        owner: record.engineId,
        ...(pinned ? { gpuIds: pinned } : {}),
      });
      record.reservedMemoryGbPerGpu = perGpuGb;
      record.device = 'cuda';
    } else {
      record.gpuIds = [];
      record.reservedMemoryGbPerGpu = 0;
      record.device = 'cpu';
    }
    try {
      record.port = await ports.allocate(request.engineKind, {
        owner: record.engineId,
        port: options.port,
        prefer: options.preferPort,
      });
    } catch (error) {
      gpu.releaseResources(record.engineId);
      throw error;
    }
    record.resourcesHeld = true;
    logger.debug(
      { engineId: record.engineId, decision: decision.reason, port: record.port },
      'engine-placed',
    );
  }

  async releaseResources(record: EngineRecord): Promise<void> {
    if (!record.resourcesHeld) return;
    this.parts.gpu.releaseResources(record.engineId);
    await this.parts.ports.release(record.port);
    record.resourcesHeld = false;
  }

  /**
   * Keep the engine's port when it can still be bound; otherwise (another program took it while
   * the engine was down) move to a free one, so a restart does not fail on a port it cannot get.
   */
  async recheckPort(record: EngineRecord): Promise<void> {
    const port = await this.parts.ports.allocate(record.request.engineKind, {
      owner: record.engineId,
      prefer: record.port,
      port: record.request.port,
    });
    if (port === record.port) return;
    this.parts.logger.warn(
      { engineId: record.engineId, from: record.port, to: port },
      'engine port taken while it was down: moving',
    );
    await this.parts.ports.release(record.port);
    record.port = port;
  }

  /** Build the command from the backend and spawn it. */
  async launch(record: EngineRecord, backend: EngineBackend, modelPath?: string): Promise<void> {
    const { gpu, lifecycle } = this.parts;
    const gpus = record.gpuIds.length > 0 ? await gpu.getSystemStatus() : [];
    const totals = gpus
      .filter((status) => record.gpuIds.includes(status.index))
      .map((status) => status.memoryTotalGb);
    const placement: EnginePlacement = {
      host: record.host,
      port: record.port,
      gpuIds: record.gpuIds,
      device: record.device,
      reservedMemoryGbPerGpu: record.reservedMemoryGbPerGpu,
      gpuMemoryTotalGb: totals.length > 0 ? Math.min(...totals) : undefined,
      stateDir: this.parts.stateDir,
      ...(modelPath ? { modelPath } : {}),
    };
    const trusted = this.parts.trustedArgs?.(record) ?? [];
    const request =
      trusted.length === 0
        ? record.request
        : { ...record.request, extraArgs: [...trusted, ...(record.request.extraArgs ?? [])] };
    const built = backend.launch(request, placement);
    const sleep = backend.sleepMode !== undefined && this.parts.sleepMode?.(record) === true;
    const spec = sleep
      ? {
          argv: [...built.argv, ...(backend.sleepMode?.args ?? [])],
          env: { ...built.env, ...backend.sleepMode?.env },
        }
      : built;
    const nonce = randomBytes(12).toString('base64url');
    record.command = [...spec.argv];
    record.env = Object.fromEntries(
      Object.entries(spec.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const launched = await lifecycle.launch({
      engineId: record.engineId,
      backend: record.backend,
      modelId: record.request.modelId,
      kind: record.request.engineKind,
      argv: spec.argv,
      env: buildEngineEnv(this.parts.env, spec.env, this.parts.passEnv),
      ownEnv: record.env,
      host: record.host,
      port: record.port,
      gpuIds: record.gpuIds,
      device: record.device,
      healthPaths: backend.healthPaths(record.request.engineKind),
      logPath: record.logPath,
      nonce,
      spec: specMarkerOf(record),
      ...(this.parts.memoryLimitBytes ? { memoryLimitBytes: this.parts.memoryLimitBytes(record) } : {}),
    });
    record.launchNonce = nonce;
    record.pid = launched.pid;
    record.generation = launched.generation;
    record.executorHandle = launched.handle;
    record.address = launched.address;
    record.processStart = null;
    record.spawnedAt = this.parts.now();
  }
}

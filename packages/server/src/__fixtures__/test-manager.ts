import {
  type ControlPlane,
  ControlPlaneManager,
  type ControlPlaneManagerOptions,
  type ControlPlaneParts,
  type EngineRecord,
  GPUResourceManager,
} from '@sage/control-plane';
import type { EngineStatus } from '@sage/protocol';

const mockGpuEnv = { SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: '1', SAGE_GPU_MOCK_MEMORY_GB: '24' };

/**
 * A manager for unit tests: never started, no processes, an in-memory registry store and one
 * mock GPU. Engines are never spawned, so routes see an empty (or hand-made) registry.
 */
export function createTestManager(options: Partial<ControlPlaneManagerOptions> = {}): ControlPlaneManager {
  let parts: ControlPlaneParts | undefined;
  const manager = new ControlPlaneManager({
    stateDir: '/nonexistent/sage-unit-test',
    env: mockGpuEnv,
    gpu: new GPUResourceManager({ env: mockGpuEnv }),
    store: { load: async () => [], save: async () => {} },
    ...options,
    exposeParts: (exposed) => {
      parts = exposed;
      options.exposeParts?.(exposed);
    },
  });
  if (parts) partsOf.set(manager, parts);
  return manager;
}

const partsOf = new WeakMap<ControlPlane, ControlPlaneParts>();

/** The parts of a manager made by {@link createTestManager} (tests that drive the registry by hand). */
export function testManagerParts(manager: ControlPlane): ControlPlaneParts {
  const parts = partsOf.get(manager);
  if (!parts) throw new Error('not a manager made by createTestManager');
  return parts;
}

/** Put a hand-made engine record in the manager's registry (no process behind it). */
export function addEngineRecord(
  manager: ControlPlane,
  engine: {
    engineId: string;
    modelId: string;
    kind?: 'llm' | 'embedding';
    status: EngineStatus;
    label?: string;
  },
): void {
  const record: EngineRecord = {
    engineId: engine.engineId,
    request: {
      modelId: engine.modelId,
      engineKind: engine.kind ?? 'llm',
      tensorParallelSize: 1,
      pipelineParallelSize: 1,
      maxConcurrentRequests: 4,
      ...(engine.label === undefined ? {} : { engineLabel: engine.label }),
    },
    backend: 'fake',
    status: engine.status,
    host: '127.0.0.1',
    port: 1,
    gpuIds: [],
    device: 'cpu',
    reservedMemoryGbPerGpu: 0,
    pid: null,
    command: [],
    env: {},
    logPath: '/nonexistent/engine.log',
    restartCount: 0,
    lastExitCode: null,
    lastExitSignal: null,
    lastExitClass: null,
    lastError: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    spawnedAt: null,
    resourcesHeld: false,
    launchNonce: null,
    processStart: null,
    generation: null,
    executorHandle: null,
    address: { host: '127.0.0.1', port: 1, baseUrl: 'http://127.0.0.1:1' },
  };
  testManagerParts(manager).registry.add(record);
}

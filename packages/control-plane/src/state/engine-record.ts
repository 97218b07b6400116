import type {
  DownloadProgress,
  EngineExitClass,
  EngineInfo,
  EngineStartRequest,
  EngineStatus,
} from '@sage/protocol';
import type { EngineAddress, ExecutorHandle } from '../executors/engine-executor.js';

/** The control plane's own record of one engine: what was asked, where it runs, how it is doing. */
export interface EngineRecord {
  engineId: string;
  request: EngineStartRequest;
  backend: string;
  status: EngineStatus;
  host: string;
  port: number;
  gpuIds: number[];
  device: 'cpu' | 'cuda';
  reservedMemoryGbPerGpu: number;
  /** The local process id, for operators only (null for remote engines and while none runs): nothing decides by it. */
  pid: number | null;
  command: string[];
  /** Only the variables the control plane set (e.g. `CUDA_VISIBLE_DEVICES`), not the inherited ones. */
  env: Record<string, string>;
  logPath: string;
  restartCount: number;
  lastExitCode: number | null;
  /** The signal that ended the last process (also when a wrapper shell reported it as 128 + n). */
  lastExitSignal: string | null;
  /** How the last process ended (lifecycle/exit-classification.ts). */
  lastExitClass: EngineExitClass | null;
  lastError: string | null;
  createdAt: string;
  /** Epoch ms of the current process's spawn (null when none runs). */
  spawnedAt: number | null;
  /** Whether the port and GPUs are currently held for this engine. */
  resourcesHeld: boolean;
  /** Unique to the current launch; the process carries it in its environment (lifecycle/engine-markers.ts). */
  launchNonce: string | null;
  /** `<boot id>:<start ticks>` of `pid` (kept from records before `executorHandle`; the local executor's handle holds it now). */
  processStart: string | null;
  /** The current launch's generation (from its executor): changes when another process or pod serves the engine. */
  generation: string | null;
  /** What the executor needs to recognise the current launch after a gateway restart (executors/engine-executor.ts). */
  executorHandle: ExecutorHandle | null;
  /** Where the current launch answers HTTP (null while none runs): requests and health checks go here. */
  address: EngineAddress | null;
}

/** The public view of a record (camelCase; `toWire` turns it into the snake_case `EngineInfo`). */
export function toEngineInfo(
  record: EngineRecord,
  now: number,
  download?: DownloadProgress | null,
): EngineInfo {
  return {
    engineId: record.engineId,
    modelId: record.request.modelId,
    engineKind: record.request.engineKind,
    backend: record.backend,
    status: record.status,
    host: record.host,
    port: record.port,
    gpuIds: [...record.gpuIds],
    device: record.device,
    pid: record.pid,
    command: [...record.command],
    env: { ...record.env },
    restartCount: record.restartCount,
    lastExitCode: record.lastExitCode,
    lastExitSignal: record.lastExitSignal,
    lastExitClass: record.lastExitClass,
    lastError: record.lastError,
    logPath: record.logPath,
    engineLabel: record.request.engineLabel ?? null,
    maxConcurrentRequests: record.request.maxConcurrentRequests,
    reservedMemoryGb: record.reservedMemoryGbPerGpu * record.gpuIds.length,
    createdAt: record.createdAt,
    uptimeSeconds: record.spawnedAt === null ? 0 : Math.max(0, Math.round((now - record.spawnedAt) / 1000)),
    ...(record.request.metadata ? { metadata: record.request.metadata } : {}),
    ...(record.status === 'DOWNLOADING' ? { download: download ?? null } : {}),
  };
}

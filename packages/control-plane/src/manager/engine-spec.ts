import type { RunningEngine } from '../executors/engine-executor.js';
import { decodeSpec, encodeSpec } from '../lifecycle/engine-markers.js';
import type { EngineRecord } from '../state/engine-record.js';
import { EngineRecordSchema } from '../state/engine-record-schema.js';

/** The spec marker's format version. */
const SPEC_VERSION = 1;
/** Environment strings stay far below Linux's 128 KiB per-string limit. */
const MAX_SPEC_CHARS = 32 * 1024;

/** What a record keeps across a lost registry: everything but the state of the moment. */
type SpecFields = Pick<
  EngineRecord,
  | 'engineId'
  | 'request'
  | 'backend'
  | 'host'
  | 'port'
  | 'gpuIds'
  | 'device'
  | 'reservedMemoryGbPerGpu'
  | 'command'
  | 'env'
  | 'logPath'
  | 'restartCount'
  | 'createdAt'
>;

function fieldsOf(record: EngineRecord): SpecFields {
  const { engineId, request, backend, host, port, gpuIds, device, reservedMemoryGbPerGpu } = record;
  const { command, env, logPath, restartCount, createdAt } = record;
  return {
    engineId,
    request,
    backend,
    host,
    port,
    gpuIds,
    device,
    reservedMemoryGbPerGpu,
    command,
    env,
    logPath,
    restartCount,
    createdAt,
  };
}

/**
 * The record as the engine's spec marker, so a manager whose registry was lost or reset can
 * rebuild it from the live process. Metadata is dropped when it would make the marker too long.
 */
export function specMarkerOf(record: EngineRecord): string | undefined {
  const fields = fieldsOf(record);
  const full = encodeSpec({ v: SPEC_VERSION, ...fields });
  if (full.length <= MAX_SPEC_CHARS) return full;
  const { metadata: _dropped, ...request } = fields.request;
  const lean = encodeSpec({ v: SPEC_VERSION, ...fields, request });
  return lean.length <= MAX_SPEC_CHARS ? lean : undefined;
}

/**
 * A record rebuilt from a running launch's spec marker, in state STARTING (its health check
 * decides the rest); null when the marker is missing, of another version or not a valid record.
 */
export function recordFromLaunch(launch: RunningEngine, now: number): EngineRecord | null {
  if (launch.spec === undefined) return null;
  const decoded = decodeSpec(launch.spec) as { v?: unknown; engineId?: unknown } | undefined;
  if (decoded?.v !== SPEC_VERSION || decoded.engineId !== launch.engineId) return null;
  const { v: _version, ...fields } = decoded;
  const parsed = EngineRecordSchema.safeParse({
    ...fields,
    status: 'STARTING',
    pid: launch.pid,
    lastExitCode: null,
    lastError: null,
    spawnedAt: now,
    resourcesHeld: false,
    launchNonce: launch.nonce,
    processStart: null,
    generation: launch.generation,
    executorHandle: launch.handle,
    address: null,
  });
  return parsed.success ? parsed.data : null;
}

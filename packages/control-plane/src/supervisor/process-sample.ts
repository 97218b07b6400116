import type { EngineExitClass } from '@sage/protocol';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** The most resident memory an engine's process tree may hold, and where that bound comes from. */
export interface MemoryLimit {
  bytes: number;
  /** In words, for the reason an engine is FAILED ("the cap of 512 MB (engines.memory_cap_mb)"). */
  source: string;
}

/** What one sample of an engine's processes found. */
export interface ProcessSample {
  /** Its process is stopped (state T): it answers nothing until continued. */
  frozen: boolean;
  /** Resident memory of its process tree; undefined when not read (no limit applies). */
  rssBytes: number | undefined;
}

/** What the supervisor does about a sample. */
export type SampleIntent =
  | { type: 'none' }
  /** Frozen: restart it (its requests in flight are re-queued for the new process). */
  | { type: 'restart'; reason: string }
  /** Past its memory bound: stop it and mark it FAILED; a restart would load the same way. */
  | { type: 'fail'; reason: string; exitClass: EngineExitClass };

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MIB)} MB`;
}

/**
 * An engine's memory bound (pure): the configured cap (`engines.memory_cap_mb`), and for an
 * engine on the CPU with an explicit `required_memory_gb` (its host-memory reservation) that
 * reservation; the lower of the two. GPU reservations bound GPU memory, not resident memory,
 * so they set no limit here. Null when nothing bounds the engine.
 */
export function memoryLimitOf(
  engine: { device: 'cpu' | 'cuda'; requiredMemoryGb?: number | undefined },
  capMb: number | undefined,
): MemoryLimit | null {
  const limits: MemoryLimit[] = [];
  if (capMb !== undefined && capMb > 0) {
    limits.push({ bytes: capMb * MIB, source: `the cap of ${capMb} MB (engines.memory_cap_mb)` });
  }
  if (engine.device === 'cpu' && engine.requiredMemoryGb !== undefined && engine.requiredMemoryGb > 0) {
    limits.push({
      bytes: engine.requiredMemoryGb * GIB,
      source: `its reservation of ${engine.requiredMemoryGb} GB (required_memory_gb)`,
    });
  }
  return limits.reduce<MemoryLimit | null>(
    (lowest, limit) => (lowest === null || limit.bytes < lowest.bytes ? limit : lowest),
    null,
  );
}

/**
 * The decision on one sample (pure): past the memory bound → FAILED (`out_of_memory`), even when
 * also frozen; frozen → restart; else nothing.
 */
export function decideOnSample(sample: ProcessSample, limit: MemoryLimit | null): SampleIntent {
  if (limit !== null && sample.rssBytes !== undefined && sample.rssBytes > limit.bytes) {
    return {
      type: 'fail',
      reason: `memory bound: the engine's processes hold ${megabytes(sample.rssBytes)} resident, past ${limit.source}`,
      exitClass: 'out_of_memory',
    };
  }
  if (sample.frozen) {
    return {
      type: 'restart',
      reason: 'process is stopped (state T: SIGSTOP or a tracer) and answers nothing',
    };
  }
  return { type: 'none' };
}

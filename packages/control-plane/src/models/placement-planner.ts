import { PRIORITIES, type Priority } from '@sage/protocol';

/**
 * Where a new engine goes and which idle engines make room for it (pure, STYLE G7: every side
 * effect is the caller's). docs/models.md describes the rules.
 */

/** A GPU as placement sees it: free memory already counts every reservation. */
export interface PlacementGpu {
  index: number;
  totalGb: number;
  freeGb: number;
}

/** An engine holding GPU memory. */
export interface ResidentEngine {
  engineId: string;
  /** Its catalog model; null for an engine started by hand (never evicted). */
  model: string | null;
  gpuIds: readonly number[];
  gbPerGpu: number;
  /** RUNNING engines may be evicted; STARTING, DRAINING, UNHEALTHY … only block for a while. */
  status: string;
  inFlight: number;
  /** Requests queued for its model: an engine with work waiting is not idle. */
  queued: number;
  pinned: boolean;
  priority: Priority;
  /** When it last served a request (or became RUNNING). */
  lastUsedAt: number;
  /** When it became RUNNING; null while it is not. */
  runningSince: number | null;
  /** What it would cost to load it again, in ms (a measured cold start, or an estimate). */
  reloadCostMs: number;
}

export interface PlacementInput {
  gpus: readonly PlacementGpu[];
  need: { model: string; gpuCount: number; gbPerGpu: number };
  residents: readonly ResidentEngine[];
  now: number;
  /** An engine RUNNING for less than this is not evicted (anti-thrash). */
  minResidencyMs: number;
}

export type PlacementPlan =
  /** Start on `gpuIds` once `evict` are stopped (empty when it fits now). */
  | { type: 'fit'; gpuIds: number[]; evict: ResidentEngine[] }
  /** It would fit once busy, young or starting engines are done: try again later. */
  | { type: 'wait'; reason: string }
  /** No eviction can ever make room (too large, or pinned and hand-started engines hold the memory). */
  | { type: 'never'; reason: string };

const TOLERANCE_GB = 1e-6;

/** Why `engine` cannot be evicted now, or undefined when it can. `permanent`: never evictable. */
function evictionBlocker(
  engine: ResidentEngine,
  now: number,
  minResidencyMs: number,
): { permanent: boolean; reason: string } | undefined {
  if (engine.model === null) return { permanent: true, reason: 'started by hand, not from the catalog' };
  if (engine.pinned) return { permanent: true, reason: 'pinned' };
  if (engine.status !== 'RUNNING') return { permanent: false, reason: engine.status };
  if (engine.inFlight > 0) return { permanent: false, reason: `${engine.inFlight} request(s) in flight` };
  if (engine.queued > 0) return { permanent: false, reason: `${engine.queued} request(s) queued for it` };
  if (engine.runningSince !== null && now - engine.runningSince < minResidencyMs) {
    return { permanent: false, reason: 'inside its minimum residency time' };
  }
  return undefined;
}

/**
 * Eviction order, first to go first: lowest priority class first; within a class, the smallest
 * `lastUsedAt + reloadCostMs` (least recently used, where an engine that is expensive to reload
 * counts as if used that much more recently); then engine id for a stable order.
 */
export function evictionOrder(engines: readonly ResidentEngine[]): ResidentEngine[] {
  const rank = (priority: Priority) => PRIORITIES.indexOf(priority);
  return [...engines].sort(
    (a, b) =>
      rank(b.priority) - rank(a.priority) ||
      a.lastUsedAt + a.reloadCostMs - (b.lastUsedAt + b.reloadCostMs) ||
      a.engineId.localeCompare(b.engineId),
  );
}

/** Free memory per GPU once `gone` no longer hold theirs. */
function freeAfter(gpus: readonly PlacementGpu[], gone: readonly ResidentEngine[]): Map<number, number> {
  const free = new Map(gpus.map((gpu) => [gpu.index, gpu.freeGb]));
  for (const engine of gone) {
    for (const index of engine.gpuIds) {
      const current = free.get(index);
      if (current !== undefined) free.set(index, current + engine.gbPerGpu);
    }
  }
  return free;
}

/** Best fit: the GPUs with the least free memory that still fit, or undefined. */
function chooseGpus(free: Map<number, number>, gpuCount: number, gbPerGpu: number): number[] | undefined {
  const fitting = [...free.entries()]
    .filter(([, gb]) => gb + TOLERANCE_GB >= gbPerGpu)
    .sort(([ia, a], [ib, b]) => a - b || ia - ib);
  if (fitting.length < gpuCount) return undefined;
  return fitting
    .slice(0, gpuCount)
    .map(([index]) => index)
    .sort((a, b) => a - b);
}

/**
 * Plan the placement of one engine needing `need.gbPerGpu` on each of `need.gpuCount` GPUs:
 * fit now; else evict the fewest idle engines in {@link evictionOrder} (never pinned, never with
 * work in flight or queued, never inside the minimum residency) until it fits; else wait when
 * engines that are busy now would make room; else never.
 */
export function planPlacement(input: PlacementInput): PlacementPlan {
  const { gpus, need } = input;
  if (need.gpuCount === 0) return { type: 'fit', gpuIds: [], evict: [] };
  const asked = `${need.gbPerGpu.toFixed(1)} GB on each of ${need.gpuCount} GPU(s)`;
  if (gpus.length < need.gpuCount) {
    return { type: 'never', reason: `it needs ${need.gpuCount} GPU(s); this host has ${gpus.length}` };
  }
  const now = chooseGpus(freeAfter(gpus, []), need.gpuCount, need.gbPerGpu);
  if (now) return { type: 'fit', gpuIds: now, evict: [] };

  const evictable: ResidentEngine[] = [];
  const transient: ResidentEngine[] = [];
  const permanent: ResidentEngine[] = [];
  for (const engine of input.residents) {
    if (engine.gpuIds.length === 0 || engine.gbPerGpu <= 0) continue;
    const blocker = evictionBlocker(engine, input.now, input.minResidencyMs);
    if (!blocker) evictable.push(engine);
    else (blocker.permanent ? permanent : transient).push(engine);
  }

  const ordered = evictionOrder(evictable);
  const chosen: ResidentEngine[] = [];
  let gpuIds: number[] | undefined;
  for (const engine of ordered) {
    chosen.push(engine);
    gpuIds = chooseGpus(freeAfter(gpus, chosen), need.gpuCount, need.gbPerGpu);
    if (gpuIds) break;
  }
  if (gpuIds) {
    // Keep only the victims the fit needs: drop any whose memory was not needed after all,
    // trying the most valuable (last chosen) first.
    for (let index = chosen.length - 2; index >= 0; index -= 1) {
      const without = chosen.filter((_, position) => position !== index);
      const fits = chooseGpus(freeAfter(gpus, without), need.gpuCount, need.gbPerGpu);
      if (fits) {
        chosen.splice(index, 1);
        gpuIds = fits;
      }
    }
    return { type: 'fit', gpuIds, evict: chosen };
  }

  if (chooseGpus(freeAfter(gpus, [...evictable, ...transient]), need.gpuCount, need.gbPerGpu)) {
    const busy = transient.map(
      (engine) =>
        `${engine.model ?? engine.engineId}: ${evictionBlocker(engine, input.now, input.minResidencyMs)?.reason}`,
    );
    return { type: 'wait', reason: `waiting for GPU memory held by ${busy.join('; ')}` };
  }
  const largest = Math.max(...gpus.map((gpu) => gpu.totalGb));
  if (largest + TOLERANCE_GB < need.gbPerGpu) {
    return { type: 'never', reason: `the largest GPU has ${largest.toFixed(1)} GB in all (asked ${asked})` };
  }
  const held = permanent.map(
    (engine) =>
      `${engine.model ?? engine.engineId} (${engine.model === null ? 'started by hand' : 'pinned'}, ${engine.gbPerGpu.toFixed(1)} GB on GPU ${engine.gpuIds.join(', ')})`,
  );
  return {
    type: 'never',
    reason: `asked ${asked}; memory that is never evicted: ${held.join('; ') || 'none'}, and memory used outside the control plane`,
  };
}

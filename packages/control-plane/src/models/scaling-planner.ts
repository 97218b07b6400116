import { isTerminal } from '@sage/protocol';
import type { CatalogModel } from './catalog-model.js';
import type { ModelEngineView } from './model-engines.js';
import type { ModelLoadReason, ModelUnloadReason } from './model-events.js';

/** One catalog model and what runs of it now. */
export interface ScalingModelInput {
  model: CatalogModel;
  engines: ReadonlyArray<ModelEngineView & { lastUsedAt: number }>;
  /** Requests queued for it: how many, and since when the oldest waits. */
  queue: { depth: number; oldestArrivedAt: number } | undefined;
  /** A load of it is under way. */
  loading: boolean;
}

export interface ScalingInput {
  models: readonly ScalingModelInput[];
  now: number;
  /** Queue wait that asks for another replica. */
  scaleUpQueueWaitMs: number;
  /** Idle time after which a replica beyond the first (and beyond `min_replicas`) is stopped. */
  replicaIdleMs: number;
}

export type ScalingAction =
  | { type: 'load'; model: string; reason: Extract<ModelLoadReason, 'min-replicas' | 'scale-up'> }
  | {
      type: 'unload';
      model: string;
      engineId: string;
      reason: Extract<ModelUnloadReason, 'idle-ttl' | 'scale-down'>;
    };

/**
 * What the replica loop does this round (pure). Per model:
 * - fewer alive engines than `min_replicas` (and no load under way): load one;
 * - every engine RUNNING, the oldest queued request waited `scaleUpQueueWaitMs`, fewer than
 *   `max_replicas`: load one more (it only starts where memory is free: replicas never evict);
 * - nothing queued: idle RUNNING engines with nothing in flight are stopped, least recently used
 *   first — beyond the first engine (and `min_replicas`) after `replicaIdleMs` (or `ttl_s` when shorter), the last one
 *   (beyond `min_replicas`) after `ttl_s` (never with `ttl_s: 0`).
 */
export function planScaling(input: ScalingInput): ScalingAction[] {
  const actions: ScalingAction[] = [];
  for (const { model, engines, queue, loading } of input.models) {
    const alive = engines.filter((engine) => !isTerminal(engine.status));
    const running = alive.filter((engine) => engine.status === 'RUNNING');
    if (!loading && alive.length < model.minReplicas) {
      actions.push({ type: 'load', model: model.name, reason: 'min-replicas' });
      continue;
    }
    if (queue && queue.depth > 0) {
      const waited = input.now - queue.oldestArrivedAt;
      if (
        !loading &&
        alive.length > 0 &&
        running.length === alive.length &&
        alive.length < model.maxReplicas &&
        waited >= input.scaleUpQueueWaitMs
      ) {
        actions.push({ type: 'load', model: model.name, reason: 'scale-up' });
      }
      continue;
    }
    const idle = running
      .filter((engine) => engine.inFlight === 0)
      .sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.engineId.localeCompare(b.engineId));
    let remaining = alive.length;
    for (const engine of idle) {
      if (remaining <= model.minReplicas) break;
      const idleMs = input.now - engine.lastUsedAt;
      const last = remaining === 1;
      const replicaIdleMs =
        model.ttlS > 0 ? Math.min(input.replicaIdleMs, model.ttlS * 1000) : input.replicaIdleMs;
      if (!last && idleMs >= replicaIdleMs) {
        actions.push({ type: 'unload', model: model.name, engineId: engine.engineId, reason: 'scale-down' });
        remaining -= 1;
      } else if (last && model.ttlS > 0 && idleMs >= model.ttlS * 1000) {
        actions.push({ type: 'unload', model: model.name, engineId: engine.engineId, reason: 'idle-ttl' });
        remaining -= 1;
      }
    }
  }
  return actions;
}

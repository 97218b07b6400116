import { z } from 'zod';
import { servesModel } from '../model-resolution.js';
import { compareArrival, compareEngineId } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/** `cyclic` takes no parameters. */
const CyclicParameters = z.strictObject({});

/**
 * `cyclic` (a baseline: what vLLM's router and most load balancers do by default): arrival
 * order; request number `n` goes to engine `n mod k` of the model's `k` RUNNING engines (by
 * engine id), or — when that one has no free slot — the next one round the ring that has.
 * Load, latency and cache are ignored.
 *
 * @example
 * ```ts
 * const policy = createCyclicPolicy({ policy: lookup });
 * ```
 */
export function createCyclicPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  parsePolicyParameters('cyclic', CyclicParameters, options.parameters);
  return {
    name: 'cyclic',
    compare: (a, b) => compareArrival(a, b),
    stableOrder: true,
    pick: (request, candidates, context) => {
      if (candidates.length <= 1) return candidates[0];
      const ring = context.engines.filter((view) => servesModel(view.engine, request.model, request.kind));
      const free = new Set(candidates.map((candidate) => candidate.engine.engineId));
      if (ring.length === 0)
        return [...candidates].sort(compareEngineId)[request.sequence % candidates.length];
      const sorted = [...ring].sort(compareEngineId);
      for (let step = 0; step < sorted.length; step += 1) {
        const engineId = sorted[(request.sequence + step) % sorted.length]!.engine.engineId;
        if (free.has(engineId)) return candidates.find((candidate) => candidate.engine.engineId === engineId);
      }
      return [...candidates].sort(compareEngineId)[request.sequence % candidates.length];
    },
  };
}
createCyclicPolicy.parameters = CyclicParameters;

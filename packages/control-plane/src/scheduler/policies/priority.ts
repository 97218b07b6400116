import { z } from 'zod';
import { comparePriorityThenArrival, fastest, isUrgentClass, leastLoaded } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/** `priority` takes no parameters. */
export const PriorityParameters = z.strictObject({});

/**
 * `priority`: the queue is ordered by priority class (`critical` first, `background` last), then
 * arrival. `critical` and `high` requests go to the candidate with the lowest observed latency;
 * the other classes to the least-loaded candidate.
 *
 * @example
 * ```ts
 * const policy = createPriorityPolicy({ policy: () => { throw new Error('unused'); } });
 * [...queue].sort((a, b) => policy.compare(a, b, context)); // critical … background
 * ```
 */
export function createPriorityPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  parsePolicyParameters('priority', PriorityParameters, options.parameters);
  return {
    name: 'priority',
    compare: (a, b) => comparePriorityThenArrival(a, b),
    pick: (request, candidates) =>
      isUrgentClass(request.priority) ? fastest(candidates) : leastLoaded(candidates),
  };
}
createPriorityPolicy.parameters = PriorityParameters;

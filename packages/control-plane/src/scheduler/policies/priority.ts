import { z } from 'zod';
import { comparePriorityThenArrival, isUrgentClass } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { latencyScorer, loadScorer, scoredPolicy, weighted } from './scoring.js';

const BY_LATENCY = [weighted(latencyScorer, 1)];
const BY_LOAD = [weighted(loadScorer, 1)];

/** `priority` takes no parameters. */
const PriorityParameters = z.strictObject({});

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
  return scoredPolicy({
    name: 'priority',
    compare: (a, b) => comparePriorityThenArrival(a, b),
    stableOrder: true,
    scorers: (request) => (isUrgentClass(request.priority) ? BY_LATENCY : BY_LOAD),
  });
}
createPriorityPolicy.parameters = PriorityParameters;

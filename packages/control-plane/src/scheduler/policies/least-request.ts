import { z } from 'zod';
import { compareArrival } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { queueScorer, scoredPolicy, weighted } from './scoring.js';

/** `least_request` takes no parameters. */
const LeastRequestParameters = z.strictObject({});

const BY_QUEUE = [weighted(queueScorer, 1)];

/**
 * `least_request` (a baseline: Envoy's and SGLang's router's least-request balancing): arrival
 * order; each request goes to the candidate with the fewest requests in flight, whatever its
 * capacity or speed (ties: least loaded, then engine id).
 *
 * @example
 * ```ts
 * const policy = createLeastRequestPolicy({ policy: lookup });
 * ```
 */
export function createLeastRequestPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  parsePolicyParameters('least_request', LeastRequestParameters, options.parameters);
  return scoredPolicy({
    name: 'least_request',
    compare: (a, b) => compareArrival(a, b),
    stableOrder: true,
    scorers: () => BY_QUEUE,
  });
}
createLeastRequestPolicy.parameters = LeastRequestParameters;

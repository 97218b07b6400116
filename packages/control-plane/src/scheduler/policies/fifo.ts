import { z } from 'zod';
import { compareArrival } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { loadScorer, scoredPolicy, weighted } from './scoring.js';

const BY_LOAD = [weighted(loadScorer, 1)];

/** `fifo` takes no parameters. */
const FifoParameters = z.strictObject({});

/**
 * `fifo`: requests leave the queue in arrival order; each goes to the least-loaded candidate
 * (ties: fewer in-flight, then engine id).
 *
 * @example
 * ```ts
 * const policy = createFifoPolicy({ policy: () => { throw new Error('unused'); } });
 * policy.pick(request, candidates, context); // the least-loaded candidate
 * ```
 */
export function createFifoPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  parsePolicyParameters('fifo', FifoParameters, options.parameters);
  return scoredPolicy({
    name: 'fifo',
    compare: (a, b) => compareArrival(a, b),
    stableOrder: true,
    scorers: () => BY_LOAD,
  });
}
createFifoPolicy.parameters = FifoParameters;

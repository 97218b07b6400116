import { z } from 'zod';
import { compareArrival, leastLoaded } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/** `fifo` takes no parameters. */
export const FifoParameters = z.strictObject({});

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
  return {
    name: 'fifo',
    compare: (a, b) => compareArrival(a, b),
    pick: (_request, candidates) => leastLoaded(candidates),
  };
}
createFifoPolicy.parameters = FifoParameters;

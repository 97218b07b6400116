import { z } from 'zod';
import { compareArrival, compareEngineId, compareLoad } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/** `power_of_two` takes no parameters. */
const PowerOfTwoParameters = z.strictObject({});

/** A 32-bit FNV-1a hash of `text`: the request's own "random" draw, reproducible. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/**
 * `power_of_two` (a baseline: "power of two choices", as in SGLang's router and Envoy): arrival
 * order; each request draws two distinct candidates at random and takes the one with fewer
 * requests in flight (ties: least loaded, then engine id). The draw is a hash of the request id,
 * so the same request always draws the same pair.
 *
 * @example
 * ```ts
 * const policy = createPowerOfTwoPolicy({ policy: lookup });
 * ```
 */
export function createPowerOfTwoPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  parsePolicyParameters('power_of_two', PowerOfTwoParameters, options.parameters);
  return {
    name: 'power_of_two',
    compare: (a, b) => compareArrival(a, b),
    stableOrder: true,
    pick: (request, candidates) => {
      if (candidates.length <= 1) return candidates[0];
      const sorted = [...candidates].sort(compareEngineId);
      const draw = hashOf(request.requestId);
      const first = draw % sorted.length;
      const second = (first + 1 + ((draw >>> 16) % (sorted.length - 1))) % sorted.length;
      const a = sorted[first]!;
      const b = sorted[second]!;
      return (a.inFlight - b.inFlight || compareLoad(a, b)) <= 0 ? a : b;
    },
  };
}
createPowerOfTwoPolicy.parameters = PowerOfTwoParameters;

import { z } from 'zod';
import { compareArrival } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { queueScorer, rawPrefixScorer, scoredPolicy, weighted } from './scoring.js';

/** Parameters of `prefix_queue`. */
const PrefixQueueParameters = z.strictObject({
  /** Weight of the prefix-cache score (llm-d's default profile: 3). */
  prefixWeight: z.number().nonnegative().default(3),
  /** Weight of the queue score (llm-d's default profile: 2). */
  queueWeight: z.number().nonnegative().default(2),
});

/**
 * `prefix_queue` (a baseline: llm-d's default scheduling profile): arrival order; each request
 * goes to the candidate with the highest `3 × prefix + 2 × queue`, where prefix is the share of
 * the prompt's chunks the engine is believed to cache and queue the min-max normalised
 * in-flight count. No imbalance guard, no priorities, no deadlines.
 *
 * @example
 * ```ts
 * const policy = createPrefixQueuePolicy({ parameters: { prefixWeight: 3, queueWeight: 2 }, policy: lookup });
 * ```
 */
export function createPrefixQueuePolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const { prefixWeight, queueWeight } = parsePolicyParameters(
    'prefix_queue',
    PrefixQueueParameters,
    options.parameters,
  );
  const scorers = [weighted(rawPrefixScorer, prefixWeight), weighted(queueScorer, queueWeight)];
  return scoredPolicy({
    name: 'prefix_queue',
    compare: (a, b) => compareArrival(a, b),
    stableOrder: true,
    usesPrefixHashes: true,
    scorers: () => scorers,
  });
}
createPrefixQueuePolicy.parameters = PrefixQueueParameters;

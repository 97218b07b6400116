import { z } from 'zod';
import { compareArrival, urgency } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { latencyScorer, loadScorer, scoredPolicy, weighted } from './scoring.js';

const BY_LATENCY = [weighted(latencyScorer, 1)];
const BY_LOAD = [weighted(loadScorer, 1)];

/** Parameters of `slo_aware`. */
const SloAwareParameters = z.strictObject({
  /** Urgency above which a request goes to the fastest engine instead of the least-loaded. */
  urgencyThreshold: z.number().min(0).max(1).default(0.7),
});

/**
 * `slo_aware`: urgency = elapsed / deadline (1 once past, 0 without a deadline). The most urgent
 * request leaves the queue first (ties: arrival). A request with urgency above
 * `urgencyThreshold` (default 0.7) goes to the fastest candidate, any other to the least-loaded.
 *
 * @example
 * ```ts
 * const policy = createSloAwarePolicy({ parameters: { urgencyThreshold: 0.5 }, policy: lookup });
 * ```
 */
export function createSloAwarePolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const { urgencyThreshold } = parsePolicyParameters('slo_aware', SloAwareParameters, options.parameters);
  return scoredPolicy({
    name: 'slo_aware',
    compare: (a, b, context) => urgency(b, context.now) - urgency(a, context.now) || compareArrival(a, b),
    deadlineOrder: true,
    scorers: (request, context) => (urgency(request, context.now) > urgencyThreshold ? BY_LATENCY : BY_LOAD),
  });
}
createSloAwarePolicy.parameters = SloAwareParameters;

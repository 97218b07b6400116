import { z } from 'zod';
import { isUrgentClass, meanLoad } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { PolicyContext, SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/** Parameters of `adaptive`. */
const AdaptiveParameters = z
  .strictObject({
    /** Mean load above which queued requests with deadlines switch to `slo_aware`. */
    highLoad: z.number().min(0).max(1).default(0.8),
    /** Mean load below which `cost_optimized` is used. */
    lowLoad: z.number().min(0).max(1).default(0.3),
  })
  .refine((parameters) => parameters.lowLoad <= parameters.highLoad, {
    message: 'lowLoad must not exceed highLoad',
    path: ['lowLoad'],
  });

/**
 * `adaptive` (the default): a composite that looks at the queue and the engines' loads and
 * delegates, in this order:
 * 1. `priority` if any queued request is `critical` or `high`;
 * 2. `slo_aware` if some queued request has a deadline and the mean load is above `highLoad` (0.8);
 * 3. `cost_optimized` if the mean load is below `lowLoad` (0.3);
 * 4. `slo_aware` otherwise.
 *
 * Mean load is taken over every RUNNING engine. The scheduler reports the delegate as
 * `adaptive→<delegate>`. The delegates are the configured instances of those policies.
 *
 * @example
 * ```ts
 * const policy = createAdaptivePolicy({ policy: (name) => policies.get(name) });
 * policy.delegate?.(context).name; // 'priority' when a critical request waits
 * ```
 */
export function createAdaptivePolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const { highLoad, lowLoad } = parsePolicyParameters('adaptive', AdaptiveParameters, options.parameters);
  const priority = options.policy('priority');
  const sloAware = options.policy('slo_aware');
  const costOptimized = options.policy('cost_optimized');

  const delegate = (context: PolicyContext): SchedulingPolicy => {
    const counts = context.queueCounts;
    const urgentQueued = counts
      ? counts.urgentClass > 0
      : context.queue.some((request) => isUrgentClass(request.priority));
    if (urgentQueued) return priority;
    const load = meanLoad(context.engines);
    const deadlineQueued = () =>
      counts ? counts.withDeadline > 0 : context.queue.some((request) => request.deadlineMs !== undefined);
    if (load > highLoad && deadlineQueued()) return sloAware;
    if (load < lowLoad) return costOptimized;
    return sloAware;
  };

  return {
    name: 'adaptive',
    delegate,
    compare: (a, b, context) => delegate(context).compare(a, b, context),
    pick: (request, candidates, context) => delegate(context).pick(request, candidates, context),
    placement: (request, chosen, context) => delegate(context).placement?.(request, chosen, context),
    explain: (request, candidates, context, chosen) => {
      const policy = delegate(context);
      return policy.explain?.(request, candidates, context, chosen) ?? { reason: policy.name, scores: {} };
    },
  };
}
createAdaptivePolicy.parameters = AdaptiveParameters;

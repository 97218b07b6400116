import { z } from 'zod';
import { compareAgedPriority, isUrgentClass } from './candidate-ranking.js';
import { waitForFasterEngine } from './placement.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';
import { latencyScorer, loadScorer, prefixScorer, scoredPolicy, weighted } from './scoring.js';

/** Parameters of `prefix_affinity`. */
const PrefixAffinityParameters = z.strictObject({
  /** Weight of the (guarded) prefix-cache score. */
  prefixWeight: z.number().nonnegative().default(3),
  /** Weight of free capacity (`1 − load`). */
  loadWeight: z.number().nonnegative().default(2),
  /** Weight of observed latency for `critical`/`high` requests and requests with a deadline. */
  latencyWeight: z.number().nonnegative().default(2),
  /** Affinity yields when the cached engine's load exceeds the least-loaded candidate's by more than this. */
  imbalanceMargin: z.number().min(0).max(1).default(0.25),
  /** Waiting time worth one priority class (aging: no class starves). */
  agingMs: z.number().positive().default(5000),
  /** Wait for a busy faster engine only when it finishes at least this share sooner (queue-aware placement). */
  minWaitGain: z.number().min(0).max(1).default(0.2),
  /** Queue-aware placement on or off. */
  queueAware: z.boolean().default(true),
});

/**
 * `prefix_affinity`: priority order with aging; each request goes to the best of
 * `prefix × 3 (guarded) + free capacity × 2 (+ latency × 2 when urgent or with a deadline)`; a
 * request with a deadline that the chosen engine would miss waits for a busy faster engine
 * that would meet it (queue-aware placement).
 *
 * @example
 * ```ts
 * const policy = createPrefixAffinityPolicy({ parameters: { imbalanceMargin: 0.25 }, policy: lookup });
 * ```
 */
export function createPrefixAffinityPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const parameters = parsePolicyParameters('prefix_affinity', PrefixAffinityParameters, options.parameters);
  const prefix = weighted(
    prefixScorer({ imbalanceMargin: parameters.imbalanceMargin }),
    parameters.prefixWeight,
  );
  const load = weighted(loadScorer, parameters.loadWeight);
  const plain = [prefix, load];
  const urgent = [prefix, load, weighted(latencyScorer, parameters.latencyWeight)];
  const base = scoredPolicy({
    name: 'prefix_affinity',
    compare: (a, b) => compareAgedPriority(a, b, parameters.agingMs),
    stableOrder: true,
    usesPrefixHashes: true,
    scorers: (request) =>
      isUrgentClass(request.priority) || request.deadlineMs !== undefined ? urgent : plain,
  });
  if (!parameters.queueAware) return base;
  return {
    ...base,
    placement: (request, chosen, context) =>
      waitForFasterEngine(request, chosen, context, parameters.minWaitGain),
  };
}
createPrefixAffinityPolicy.parameters = PrefixAffinityParameters;

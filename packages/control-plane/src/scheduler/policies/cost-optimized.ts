import { z } from 'zod';
import { comparePriorityThenArrival } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type {
  CandidateView,
  QueuedRequest,
  SchedulingPolicy,
  SchedulingPolicyFactoryOptions,
} from './scheduling-policy.js';
import { costScorer, scoredPolicy, weighted } from './scoring.js';

/** Parameters of `cost_optimized`. */
export const CostOptimizedParameters = z.strictObject({
  /** Price of one GPU-hour for engines whose metadata sets none (relative units). */
  defaultPricePerGpuHour: z.number().nonnegative().default(1),
  /** Estimated request time on an engine that has not served a request yet, in ms. */
  defaultLatencyMs: z.number().positive().default(1000),
  /** Token count the observed latency stands for; scales the estimate by `estimatedTokens / referenceTokens`. */
  referenceTokens: z.number().int().positive().default(256),
});
export type CostOptimizedParameters = z.output<typeof CostOptimizedParameters>;

const MS_PER_HOUR = 3_600_000;

/**
 * Estimated cost of serving `request` on `candidate`:
 *
 * `gpuCount × pricePerGpuHour × estimatedMs / 3 600 000`, where
 * `estimatedMs = (observed latency EWMA ?? defaultLatencyMs) × (estimatedTokens ?? referenceTokens) / referenceTokens`.
 *
 * CPU engines (`gpuCount` 0) cost 0: they are always the cheapest.
 */
export function estimateRequestCost(
  request: QueuedRequest,
  candidate: CandidateView,
  parameters: CostOptimizedParameters,
): number {
  const { engine } = candidate;
  if (engine.gpuCount <= 0) return 0;
  const tokens = request.estimatedTokens ?? parameters.referenceTokens;
  const estimatedMs =
    (candidate.latencyMs ?? parameters.defaultLatencyMs) * (tokens / parameters.referenceTokens);
  const price = engine.pricePerGpuHour ?? parameters.defaultPricePerGpuHour;
  return (engine.gpuCount * price * estimatedMs) / MS_PER_HOUR;
}

/**
 * `cost_optimized`: the queue is ordered by priority class, then arrival; each request goes to
 * the candidate with the lowest {@link estimateRequestCost} (ties: least loaded, then engine id).
 *
 * @example
 * ```ts
 * const policy = createCostOptimizedPolicy({ parameters: { defaultPricePerGpuHour: 2.5 }, policy: lookup });
 * ```
 */
export function createCostOptimizedPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const parameters = parsePolicyParameters('cost_optimized', CostOptimizedParameters, options.parameters);
  const byCost = [
    weighted(
      costScorer((request, candidate) => estimateRequestCost(request, candidate, parameters)),
      1,
    ),
  ];
  return scoredPolicy({
    name: 'cost_optimized',
    compare: (a, b) => comparePriorityThenArrival(a, b),
    stableOrder: true,
    scorers: () => byCost,
  });
}
createCostOptimizedPolicy.parameters = CostOptimizedParameters;

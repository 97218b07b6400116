import { DEFAULT_SCHEDULING_POLICY } from '@sage/protocol';
import { createAdaptivePolicy } from './adaptive.js';
import { createCostOptimizedPolicy } from './cost-optimized.js';
import { createCyclicPolicy } from './cyclic.js';
import { createFifoPolicy } from './fifo.js';
import { createLeastRequestPolicy } from './least-request.js';
import { createPowerOfTwoPolicy } from './power-of-two.js';
import { createPrefixAffinityPolicy } from './prefix-affinity.js';
import { createPrefixQueuePolicy } from './prefix-queue.js';
import { createPriorityPolicy } from './priority.js';
import type { SchedulingPolicyFactory } from './scheduling-policy.js';
import { createSloAwarePolicy } from './slo-aware.js';

/**
 * The one list of built-in scheduling policies: wire/config name → factory. A new policy is one
 * file plus one line here (and a section in docs/scheduling-policies.md); the contract test and
 * the docs test pick it up on their own.
 */
export const schedulingPolicies = {
  fifo: createFifoPolicy,
  priority: createPriorityPolicy,
  slo_aware: createSloAwarePolicy,
  cost_optimized: createCostOptimizedPolicy,
  adaptive: createAdaptivePolicy,
  prefix_affinity: createPrefixAffinityPolicy,
  // Baselines: the peers' algorithms, for comparison (docs/benchmarks.md).
  cyclic: createCyclicPolicy,
  least_request: createLeastRequestPolicy,
  power_of_two: createPowerOfTwoPolicy,
  prefix_queue: createPrefixQueuePolicy,
} satisfies Record<string, SchedulingPolicyFactory>;

/** A registered policy name. */
export type SchedulingPolicyName = keyof typeof schedulingPolicies;

/** Compile-time check: the default policy `@sage/protocol` names is registered here. */
const defaultPolicyIsRegistered: SchedulingPolicyName = DEFAULT_SCHEDULING_POLICY;
void defaultPolicyIsRegistered;

/** Registered names, in registry order (the order error messages list them in). */
export const schedulingPolicyNames = Object.keys(schedulingPolicies) as SchedulingPolicyName[];

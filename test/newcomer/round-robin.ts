import { z } from 'zod';
import { compareArrival } from './candidate-ranking.js';
import { parsePolicyParameters } from './policy-parameters.js';
import type { SchedulingPolicy, SchedulingPolicyFactoryOptions } from './scheduling-policy.js';

/**
 * A newcomer's policy (test/newcomer/newcomer.test.ts copies this file into
 * `packages/control-plane/src/scheduler/policies/`): `round_robin` takes requests in arrival
 * order and spreads them over the candidates by arrival sequence, in engine-id order.
 */
const RoundRobinParameters = z.strictObject({
  /** How many consecutive requests go to one engine before the next one's turn. */
  stride: z.int().positive().default(1),
});

export function createRoundRobinPolicy(options: SchedulingPolicyFactoryOptions): SchedulingPolicy {
  const { stride } = parsePolicyParameters('round_robin', RoundRobinParameters, options.parameters);
  return {
    name: 'round_robin',
    compare: (a, b) => compareArrival(a, b),
    pick: (request, candidates) => {
      if (candidates.length === 0) return undefined;
      const ordered = [...candidates].sort((a, b) => a.engine.engineId.localeCompare(b.engine.engineId));
      return ordered[Math.floor(request.sequence / stride) % ordered.length];
    },
  };
}
createRoundRobinPolicy.parameters = RoundRobinParameters;

import { z } from 'zod';

/**
 * A scheduling policy's name on the wire, in YAML and on the command line: a snake_case word
 * such as `slo_aware`. This layer checks only its form; whether a policy of that name is
 * registered is the control plane's question (its `UnknownPolicyError` lists the names that are).
 */
export const PolicyName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be a scheduling policy name: lower-case letters, digits and _');
export type PolicyName = z.infer<typeof PolicyName>;

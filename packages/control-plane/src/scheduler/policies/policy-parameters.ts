import { parseOrThrow } from '@sage/protocol';
import type { z } from 'zod';

/**
 * Validate a policy's parameters with its own schema (STYLE G11). Absent parameters mean `{}`, so
 * every default applies. The `ValidationError` names the policy and every failing field.
 */
export function parsePolicyParameters<S extends z.ZodType>(
  policyName: string,
  schema: S,
  parameters: unknown,
): z.output<S> {
  return parseOrThrow(schema, parameters ?? {}, `invalid parameters for scheduling policy '${policyName}'`);
}

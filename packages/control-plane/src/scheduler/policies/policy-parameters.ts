import { fromWire, parseOrThrow } from '@sage/protocol';
import type { z } from 'zod';

/**
 * Validate a policy's parameters with its own schema (STYLE G11). Absent parameters mean `{}`, so
 * every default applies. Keys may be camelCase (TypeScript) or snake_case (YAML, wire): they are
 * converted by `@sage/protocol`'s one case module first. The `ValidationError` names the policy
 * and every failing field.
 */
export function parsePolicyParameters<S extends z.ZodType>(
  policyName: string,
  schema: S,
  parameters: unknown,
): z.output<S> {
  return parseOrThrow(
    schema,
    fromWire(parameters ?? {}),
    `invalid parameters for scheduling policy '${policyName}'`,
  );
}

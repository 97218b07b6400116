import { parseOrThrow } from '@sage/protocol';
import type { Context } from 'hono';
import { z } from 'zod';

/** A boolean query parameter: `true`/`false` (also `1`/`0`). */
export const booleanQuery = z
  .enum(['true', 'false', '1', '0'], { message: "must be 'true' or 'false'" })
  .transform((value) => value === 'true' || value === '1');

/** A non-negative integer query parameter. */
export const integerQuery = z
  .string()
  .regex(/^\d+$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.int().nonnegative());

/**
 * Validate the query string of a request; unknown parameters are ignored, errors name the
 * parameter (400).
 */
export function readQuery<S extends z.ZodType>(c: Context, schema: S, what: string): z.output<S> {
  return parseOrThrow(schema, c.req.query(), what);
}

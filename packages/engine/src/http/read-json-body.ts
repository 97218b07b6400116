import { parseOrThrow } from '@sage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { badRequest } from './http-error.js';

/** Parse a request's JSON body with a zod schema; bad JSON or a bad field → 400 naming the field. */
export async function readJsonBody<S extends z.ZodType>(
  context: Context,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const text = await context.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`${what}: the body is not valid JSON (${reason})`);
  }
  return parseOrThrow(schema, body, what);
}

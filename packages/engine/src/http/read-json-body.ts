import { parseJsonBody, parseOrThrow, ValidationError } from '@sage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from '../defaults.js';
import { badRequest, HttpError } from './http-error.js';

/**
 * Parse a request's JSON body with a zod schema; bad JSON or a bad field → 400 naming the field.
 * A body over {@link MAX_BODY_BYTES} is 413 and JSON nested deeper than {@link MAX_JSON_DEPTH} is
 * 400, both before anything parses it.
 */
export async function readJsonBody<S extends z.ZodType>(
  context: Context,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  const declared = Number(context.req.header('content-length') ?? 0);
  const tooLarge = () =>
    new HttpError(413, `${what}: the body is larger than ${MAX_BODY_BYTES} bytes`, {
      code: 'request_too_large',
    });
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await context.req.arrayBuffer());
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = parseJsonBody(bytes, { maxDepth: MAX_JSON_DEPTH });
  } catch (error) {
    if (ValidationError.isInstance(error)) throw badRequest(`${what}: ${error.message}`);
    throw error;
  }
  return parseOrThrow(schema, body, what);
}

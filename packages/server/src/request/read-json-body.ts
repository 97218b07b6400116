import { parseOrThrow, ValidationError } from '@sage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { PayloadTooLargeError } from '../errors/gateway-errors.js';

const decoder = new TextDecoder();

/**
 * The raw request body, at most `limitBytes` long (413 otherwise). A `Content-Length` over the
 * limit is refused before anything is read; a chunked body is counted while it arrives.
 */
export async function readBodyBytes(c: Context, limitBytes: number): Promise<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined) {
    if (Number(declared) > limitBytes) throw new PayloadTooLargeError(limitBytes);
    return new Uint8Array(await c.req.arrayBuffer());
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

/** Parse JSON bytes; malformed JSON is a 400 that says where it broke. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  if (text.trim() === '')
    throw new ValidationError({ message: 'the request body is empty; send a JSON object' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError({
      message: `the request body is not valid JSON: ${(error as Error).message}`,
      cause: error,
    });
  }
}

/**
 * Read, parse and validate a JSON body with `schema`; errors name the failing field.
 *
 * @example
 * ```ts
 * const body = await readJsonBody(c, PolicyBody, 'invalid policy request', config.bodyLimitBytes);
 * ```
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
  limitBytes: number,
): Promise<z.output<S>> {
  return parseOrThrow(schema, parseJsonBytes(await readBodyBytes(c, limitBytes)), what);
}

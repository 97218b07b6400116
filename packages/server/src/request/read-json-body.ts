import type { IncomingMessage } from 'node:http';
import { parseOrThrow, ValidationError } from '@sage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { PayloadTooLargeError } from '../errors/gateway-errors.js';
import { nodeIncoming, requestHeader } from './node-request.js';

const decoder = new TextDecoder();

/** The reason @hono/node-server gives when a client leaves before its request was read. */
const CLIENT_CLOSED = 'Client connection prematurely closed.';

/**
 * The raw request body, at most `limitBytes` long (413 otherwise). A `Content-Length` over the
 * limit is refused before anything is read; a chunked body is counted while it arrives. Served by
 * `@hono/node-server`, the body is read from the Node request itself (no Web stream, no copy).
 */
export async function readBodyBytes(c: Context, limitBytes: number): Promise<Uint8Array> {
  const declared = requestHeader(c, 'content-length');
  if (declared !== undefined && Number(declared) > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const incoming = nodeIncoming(c);
  // Unless something already started reading it (then the Web request's body cache has it).
  if (incoming && !incoming.readableDidRead) return readIncoming(incoming, limitBytes);
  if (declared !== undefined) return new Uint8Array(await c.req.arrayBuffer());
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

/**
 * Collect a Node request's body, counting it as it arrives. Over the limit, collecting stops and
 * the rest of the body is left to the adapter, which drains it after the answer (413).
 */
function readIncoming(incoming: IncomingMessage, limitBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        stop();
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: unknown) => {
      stop();
      reject(error);
    };
    const onClose = () => {
      stop();
      reject(new Error(CLIENT_CLOSED));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
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

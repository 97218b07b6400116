import type { IncomingMessage } from 'node:http';
import { parseJsonBody, parseOrThrow } from '@sage/protocol';
import type { Context } from 'hono';
import type { z } from 'zod';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { ClientDisconnectedError, PayloadTooLargeError } from '../errors/gateway-errors.js';
import { nodeIncoming, requestHeader } from './node-request.js';

/** Limits a JSON request body is read under. */
export interface JsonBodyLimits {
  /** Largest body in bytes (413 above it). */
  limitBytes: number;
  /** Deepest nesting of objects and arrays (400 above it). */
  maxDepth: number;
}

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
  if (declared !== undefined) {
    return new Uint8Array(
      await c.req.arrayBuffer().catch((error: unknown) => {
        throw new ClientDisconnectedError(error);
      }),
    );
  }
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      throw new ClientDisconnectedError(error);
    });
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
 * the rest of the body is left to the adapter, which drains it after the answer (413). A client
 * that leaves before the body is complete (the socket closes, or Node reports the upload
 * `aborted`) is a {@link ClientDisconnectedError}: a 499, not a server failure.
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
      reject(new ClientDisconnectedError(error));
    };
    const onClose = () => {
      stop();
      reject(new ClientDisconnectedError());
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/**
 * Parse JSON bytes: malformed JSON is a 400 that says where it broke, JSON nested deeper than
 * `maxDepth` a 400 that names the limit and its setting (checked before parsing, so no deeply
 * nested value ever reaches recursive code such as the forwarder's `JSON.stringify`).
 */
export function parseJsonBytes(bytes: Uint8Array, maxDepth: number = GATEWAY_DEFAULTS.maxJsonDepth): unknown {
  return parseJsonBody(bytes, { maxDepth, setting: 'limits.max_json_depth' });
}

/**
 * Read, parse and validate a JSON body with `schema`; errors name the failing field.
 *
 * @example
 * ```ts
 * const body = await readJsonBody(c, PolicyBody, 'invalid policy request', limits);
 * ```
 */
export async function readJsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  what: string,
  limits: JsonBodyLimits,
): Promise<z.output<S>> {
  const bytes = await readBodyBytes(c, limits.limitBytes);
  return parseOrThrow(schema, parseJsonBytes(bytes, limits.maxDepth), what);
}

import { randomUUID } from 'node:crypto';
import { HEADERS } from '@sage/protocol';
import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';
import { requestHeader } from '../request/node-request.js';

/** A client id is kept when it is 1–200 visible ASCII characters; otherwise a new one is made. */
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,200}$/;
const REQUEST_ID_HEADER = HEADERS.requestId.toLowerCase();

/** Marks a response built with the request id already among its headers (see {@link withRequestIdHeader}). */
const HAS_REQUEST_ID = Symbol('sage.hasRequestId');
type Stamped = Response & { [HAS_REQUEST_ID]?: true };

/**
 * Mark `response` as already carrying `X-Request-ID` (its `init.headers` had it), so
 * {@link requestId} does not set it again: setting a header on a response built from a plain
 * header object makes `@hono/node-server` build a `Headers` for it, which costs more than the
 * rest of writing the answer.
 */
export function withRequestIdHeader(response: Response): Response {
  // A property, not a WeakSet: adding to a WeakSet per request costs ~0.5 µs.
  (response as Stamped)[HAS_REQUEST_ID] = true;
  return response;
}

/** Options of {@link requestId}. */
export interface RequestIdOptions {
  /** Makes an id for requests without a usable `X-Request-ID` (default: a random UUID). */
  generate?: () => string;
}

/**
 * Gives every request an id: the client's `X-Request-ID` when usable, else a new UUID. The id is
 * in `c.var.requestId`, in logs, and echoed as `X-Request-ID` on every response (errors too).
 * Also stamps `c.var.startedAt` for latency and overhead metrics.
 *
 * @example
 * ```ts
 * app.use(requestId());
 * ```
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<GatewayEnv> {
  const generate = options.generate ?? randomUUID;
  if (typeof generate !== 'function') throw new TypeError('requestId: generate must be a function');
  return async (c, next) => {
    c.set('startedAt', performance.now());
    const given = requestHeader(c, REQUEST_ID_HEADER);
    const id = given !== undefined && ACCEPTABLE_ID.test(given) ? given : generate();
    c.set('requestId', id);
    await next();
    if ((c.res as Stamped)[HAS_REQUEST_ID] !== true) c.res.headers.set(HEADERS.requestId, id);
  };
}

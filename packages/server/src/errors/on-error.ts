import type { Context, ErrorHandler } from 'hono';
import type { Logger } from 'pino';
import type { GatewayEnv } from '../gateway-env.js';
import { type ErrorBodyShape, gatewayErrorResponse } from './error-response.js';
import { describeError } from './error-table.js';
import { ClientDisconnectedError } from './gateway-errors.js';

/** Options of {@link createErrorHandler}. */
export interface ErrorHandlerOptions {
  logger: Logger;
  /** Seconds sent in `Retry-After` with 429 and 503 answers. */
  retryAfterSeconds: number;
  /**
   * Routes whose API has an error shape of its own: an error on `path` (or below it) gets the body
   * `shape` makes from the OpenAI one. Every other route answers OpenAI's shape.
   */
  errorShapes?: ReadonlyArray<{ path: string; shape: ErrorBodyShape }>;
}

/**
 * The gateway's one `onError` (STYLE G10, G15): every thrown error becomes an OpenAI-shaped body
 * with `X-Sage-Error-Source: gateway`, its status from the error table. Unexpected errors answer
 * 500, are logged with the request id, and never take the process down. A client that left
 * (499) is one info line without a stack: it is routine, not a server failure. Routes listed in
 * `errorShapes` (`/v1/messages`) answer their own API's shape instead, the same status and code.
 */
export function createErrorHandler(options: ErrorHandlerOptions): ErrorHandler<GatewayEnv> {
  const retryAfter = String(options.retryAfterSeconds);
  const shapes = options.errorShapes ?? [];
  const shapeOf = (path: string) =>
    shapes.find((entry) => path === entry.path || path.startsWith(`${entry.path}/`))?.shape;
  return (error: Error, c: Context<GatewayEnv>) => {
    const requestId = c.get('requestId');
    const { mapping, param, message, expected, headers } = describeError(error);
    if (ClientDisconnectedError.isInstance(error)) {
      options.logger.info(
        { requestId, status: mapping.status, method: c.req.method, path: c.req.path },
        'client-closed-request',
      );
    } else if (!expected) {
      options.logger.error(
        { requestId, err: error, method: c.req.method, path: c.req.path },
        'request-failed-unexpectedly',
      );
    } else if (mapping.status >= 500) {
      options.logger.warn({ requestId, status: mapping.status, message }, 'request-failed');
    }
    const body = expected ? message : `${message} (request id ${requestId ?? 'unknown'})`;
    return gatewayErrorResponse(mapping.status, body, {
      type: mapping.type,
      code: mapping.code,
      param,
      shape: shapeOf(c.req.path),
      headers: { ...headers, ...(mapping.retryAfter ? { 'retry-after': retryAfter } : {}) },
    });
  };
}

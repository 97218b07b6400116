import { HEADERS } from '@sage/protocol';
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

const ORIGIN = /^(\*|https?:\/\/[^/\s]+)$/;

/**
 * CORS for the configured origins only (the gateway sends no CORS headers when none are
 * configured). `*` allows any origin. Preflight requests are answered before authentication.
 *
 * @example
 * ```ts
 * app.use(corsOrigins(['https://app.example.com']));
 * ```
 */
export function corsOrigins(origins: readonly string[]): MiddlewareHandler {
  if (origins.length === 0) throw new TypeError('corsOrigins: give at least one origin');
  for (const origin of origins) {
    if (!ORIGIN.test(origin))
      throw new TypeError(`corsOrigins: '${origin}' is not 'scheme://host[:port]' or '*'`);
  }
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowHeaders: [
      'authorization',
      'content-type',
      HEADERS.requestId,
      HEADERS.priority,
      HEADERS.sloDeadlineMs,
      HEADERS.schedulingPolicy,
    ],
    exposeHeaders: [HEADERS.requestId, HEADERS.engineId, HEADERS.errorSource, 'retry-after'],
    maxAge: 600,
  });
}

import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { GatewayApiKey } from '../config/gateway-config.js';
import { AuthenticationError, PermissionDeniedError } from '../errors/gateway-errors.js';
import type { GatewayEnv } from '../gateway-env.js';

/** Keys are looked up by their SHA-256 digest, so the comparison time does not depend on the key. */
function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Accepted keys; at least one. */
  keys: readonly GatewayApiKey[];
  /** The 401 message when no key or a wrong one is sent (default: asks for an API key). */
  refusal?: string;
}

/**
 * API-key authentication: `authenticate` requires `Authorization: Bearer <key>` with a known key
 * (401 otherwise) and puts the key in `c.var.apiKey`; `requireAdmin` then allows admin keys
 * only (403 otherwise). Mount `authenticate` on `/v1/*` and `requireAdmin` on `/v1/management/*`.
 *
 * @example
 * ```ts
 * const auth = apiKeyAuth({ keys: [{ key: 'sk-admin-0123', admin: true }] });
 * app.use('/v1/*', auth.authenticate);
 * app.use('/v1/management/*', auth.requireAdmin);
 * ```
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): {
  authenticate: MiddlewareHandler<GatewayEnv>;
  requireAdmin: MiddlewareHandler<GatewayEnv>;
} {
  if (options.keys.length === 0) throw new TypeError('apiKeyAuth: at least one key is needed');
  const byDigest = new Map<string, GatewayApiKey>();
  for (const apiKey of options.keys) {
    if (typeof apiKey.key !== 'string' || apiKey.key.length === 0) {
      throw new TypeError('apiKeyAuth: every key must be a non-empty string');
    }
    byDigest.set(digest(apiKey.key), apiKey);
  }
  return {
    authenticate: async (c, next) => {
      const match = BEARER.exec(c.req.header('authorization') ?? '');
      const apiKey = match?.[1] === undefined ? undefined : byDigest.get(digest(match[1]));
      if (!apiKey) throw new AuthenticationError(options.refusal);
      c.set('apiKey', apiKey);
      await next();
    },
    requireAdmin: async (c, next) => {
      if (!c.get('apiKey')?.admin) throw new PermissionDeniedError();
      await next();
    },
  };
}

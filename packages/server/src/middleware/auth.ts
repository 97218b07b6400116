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

/**
 * The key a request presents: `Authorization: Bearer <key>` (OpenAI's clients), else
 * `x-api-key: <key>` (what Anthropic's clients send). An `Authorization` header that is there
 * decides alone, so a wrong bearer key is never rescued by another header.
 */
function presentedKey(authorization: string | undefined, xApiKey: string | undefined): string | undefined {
  if (authorization !== undefined) return BEARER.exec(authorization)?.[1];
  const key = xApiKey?.trim();
  return key ? key : undefined;
}

/** Options of {@link apiKeyAuth}. */
export interface ApiKeyAuthOptions {
  /** Accepted keys; at least one. */
  keys: readonly GatewayApiKey[];
  /** The 401 message when no key or a wrong one is sent (default: asks for an API key). */
  refusal?: string;
}

/**
 * API-key authentication: `authenticate` requires a known key in `Authorization: Bearer <key>`
 * or, without an `Authorization` header, in `x-api-key: <key>` (401 otherwise) and puts the key in `c.var.apiKey`; `requireAdmin` then allows admin keys
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
      const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
      const apiKey = key === undefined ? undefined : byDigest.get(digest(key));
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

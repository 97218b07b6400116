import type { MiddlewareHandler } from 'hono';
import { AccessDeniedError, UnsupportedMediaTypeError } from '../errors/gateway-errors.js';
import type { GatewayEnv } from '../gateway-env.js';
import { nodeIncoming, requestHeader } from '../request/node-request.js';

/** Options of {@link managementGuard}. */
export interface ManagementGuardOptions {
  /** API keys are configured: the network mode, where keys alone decide (no peer or Host check). */
  keysConfigured: boolean;
  /** Browser origins allowed to call the gateway (`cors_origins`; `*` allows any). */
  corsOrigins: readonly string[];
  /** Host names accepted without keys besides the loopback names (`security.allowed_hosts`). */
  allowedHosts: readonly string[];
}

const LOOPBACK_NAMES = new Set(['localhost', '::1']);
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether an address or name is loopback: `localhost`, `127.0.0.0/8`, `::1` (also IPv4-mapped). */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.toLowerCase().replace(/^::ffff:/, '');
  return LOOPBACK_NAMES.has(plain) || /^127(\.\d{1,3}){3}$/.test(plain);
}

/** The host name of a `Host` header (`[::1]:8889` → `::1`, `Example.com:80` → `example.com`). */
export function hostNameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colons = value.split(':').length - 1;
  return colons === 1 ? (value.split(':')[0] ?? '') : value;
}

function hasBody(c: Parameters<MiddlewareHandler>[0]): boolean {
  if (!nodeIncoming(c)) return c.req.raw.body !== null;
  const length = requestHeader(c, 'content-length');
  return (
    (length !== undefined && length.trim() !== '0') || requestHeader(c, 'transfer-encoding') !== undefined
  );
}

/**
 * Where a management request may come from (docs/security.md). On every management route:
 * a browser `Origin` must be in `cors_origins` or the gateway's own origin (no cross-site
 * requests), and a body must be `Content-Type: application/json` (no HTML form or `text/plain`
 * CSRF). Without API keys also: the peer must be on loopback, and `Host` a loopback name or one
 * of `allowedHosts` (a DNS-rebinding page sends its own name). Authentication follows it.
 *
 * @example
 * ```ts
 * app.use('/v1/management/*', managementGuard({ keysConfigured: false, corsOrigins: [], allowedHosts: [] }));
 * ```
 */
export function managementGuard(options: ManagementGuardOptions): MiddlewareHandler<GatewayEnv> {
  const anyOrigin = options.corsOrigins.includes('*');
  const origins = new Set(options.corsOrigins.map((origin) => origin.toLowerCase()));
  const hosts = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
  return async (c, next) => {
    // Served by Node, the header itself (absent: refused); otherwise (`app.request()`) the URL's host.
    const host = nodeIncoming(c) ? requestHeader(c, 'host') : new URL(c.req.url).host;
    const origin = requestHeader(c, 'origin');
    if (origin !== undefined && !anyOrigin && !origins.has(origin.toLowerCase())) {
      const sameOrigin =
        host !== undefined &&
        /^https?:\/\//i.test(origin) &&
        origin.replace(/^https?:\/\//i, '').toLowerCase() === host.toLowerCase();
      if (!sameOrigin) {
        throw new AccessDeniedError(
          `management requests from the web page at '${origin}' are refused; an operator can allow the origin in sage.yaml (cors_origins)`,
        );
      }
    }
    if (!METHODS_WITHOUT_BODY.has(c.req.method)) {
      const contentType = requestHeader(c, 'content-type');
      const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
      if ((contentType !== undefined || hasBody(c)) && !(mediaType && JSON_MEDIA_TYPE.test(mediaType))) {
        throw new UnsupportedMediaTypeError(contentType);
      }
    }
    if (!options.keysConfigured) {
      const name = host === undefined ? undefined : hostNameOf(host);
      if (name === undefined || !(isLoopbackAddress(name) || hosts.has(name))) {
        throw new AccessDeniedError(
          `management requests for host '${host ?? ''}' are refused without API keys: use a loopback address, or list the name in sage.yaml (security.allowed_hosts)`,
        );
      }
      const peer = nodeIncoming(c)?.socket.remoteAddress;
      if (peer !== undefined && !isLoopbackAddress(peer)) {
        throw new AccessDeniedError(
          'management requests from other machines need API keys: configure api_keys (or SAGE_API_KEYS) to manage this gateway over the network',
        );
      }
    }
    await next();
  };
}

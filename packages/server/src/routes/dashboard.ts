import { type DashboardAsset, DashboardNotBuiltError, readDashboardAssets } from '@sage/dashboard';
import { type Context, Hono } from 'hono';
import type { Logger } from 'pino';
import { gatewayErrorResponse } from '../errors/error-response.js';
import type { GatewayEnv } from '../gateway-env.js';

/** What the dashboard routes need. */
export interface DashboardRoutesOptions {
  logger: Logger;
  /** Where the built assets are (default: `@sage/dashboard`'s `dist/ui/`). */
  assetsDir?: string;
}

/**
 * The page may load only its own script and style and talk only to this gateway; it may not
 * be framed (its buttons stop engines).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

function serve(c: Context<GatewayEnv>, asset: DashboardAsset): Response {
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag: asset.etag,
  };
  if (c.req.header('if-none-match') === asset.etag) return new Response(null, { status: 304, headers });
  const body = c.req.method === 'HEAD' ? null : (asset.body as Uint8Array<ArrayBuffer>);
  return new Response(body, {
    status: 200,
    headers: { ...headers, 'content-length': String(asset.body.length) },
  });
}

/**
 * `GET /ui`: the web dashboard (docs/dashboard.md), static files built with `@sage/dashboard`
 * and read into memory on first use. `index.html` is revalidated on every load (`no-cache`
 * with an ETag); the hashed scripts and styles under `/ui/assets/` are cached for a year.
 * Nothing is fetched from elsewhere. The page is public; every call it makes is a management
 * request under the usual auth. `/` redirects here.
 */
export function dashboardRoutes(options: DashboardRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  let assets: Promise<Map<string, DashboardAsset>> | undefined;
  const load = () => {
    assets ??= readDashboardAssets(options.assetsDir).then(
      (list) => new Map(list.map((asset) => [asset.path, asset])),
    );
    return assets;
  };
  const handle = async (c: Context<GatewayEnv>, path: string) => {
    let files: Map<string, DashboardAsset>;
    try {
      files = await load();
    } catch (error) {
      assets = undefined;
      if (!(error instanceof DashboardNotBuiltError)) throw error;
      options.logger.warn({ dir: error.dir }, 'dashboard-not-built');
      return gatewayErrorResponse(503, error.message, { type: 'server_error', code: 'dashboard_not_built' });
    }
    const asset = files.get(path);
    if (!asset) return c.notFound();
    return serve(c, asset);
  };
  app.get('/', (c) => c.redirect('/ui/', 302));
  app.get('/ui', (c) => handle(c, '/index.html'));
  app.get('/ui/', (c) => handle(c, '/index.html'));
  app.get('/ui/assets/:name', (c) => handle(c, `/assets/${c.req.param('name')}`));
  return app;
}

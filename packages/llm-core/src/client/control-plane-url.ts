/**
 * The control plane's base URL (`http://host:port/v1`) and the URLs derived from it.
 * A URL without a path gets `/v1`, so `http://gpu-box:8889` works as well.
 */
export function normalizeControlPlaneUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${source} is not a URL: '${url}' (expected e.g. http://127.0.0.1:8889/v1)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`${source} must be an http(s) URL, got '${url}'`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? '/v1' : path}`;
}

/** `GET /health` of the gateway that serves `baseUrl` (the OpenAI routes live one level down). */
export function healthUrlOf(baseUrl: string): string {
  const parsed = new URL(baseUrl);
  const root = parsed.pathname.replace(/\/v1$/, '');
  return `${parsed.origin}${root}/health`;
}

/** Join the base URL and a route path (`/chat/completions`). */
export function routeUrl(baseUrl: string, path: string): string {
  return `${baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
}

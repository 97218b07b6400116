import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the built dashboard, ready to serve. */
export interface DashboardAsset {
  /** The URL path under `/ui`, e.g. `/index.html` or `/assets/app-3FQ2X.js`. */
  path: string;
  contentType: string;
  body: Uint8Array;
  /** A strong validator (`"<sha256 prefix>"`). */
  etag: string;
  /** The name holds a content hash: cache it for a year. Otherwise revalidate every time. */
  immutable: boolean;
}

/**
 * Where the built assets are: `dist/ui/` of this package. The path is the same from
 * `src/index.ts` (tests run sources) and `dist/index.js` (both lie one level below the package).
 */
export const DASHBOARD_ASSETS_DIR = fileURLToPath(new URL('../dist/ui/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** esbuild's `[name]-[hash]` names: the hash is 8 characters of base32. */
const HASHED_NAME = /-[A-Z0-9]{8}\.\w+$/;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

/** The dashboard was not built (`pnpm --filter @sage/dashboard build`). */
export class DashboardNotBuiltError extends Error {
  constructor(readonly dir: string) {
    super(`the dashboard is not built (no ${join(dir, 'index.html')}): run pnpm build`);
    this.name = 'DashboardNotBuiltError';
  }
}

/**
 * Read every built dashboard file into memory (a few tens of KB), with its content type and
 * caching class. Throws {@link DashboardNotBuiltError} when the package was not built.
 *
 * @example
 * ```ts
 * const assets = await readDashboardAssets();
 * assets.find((asset) => asset.path === '/index.html')?.contentType; // 'text/html; charset=utf-8'
 * ```
 */
export async function readDashboardAssets(dir: string = DASHBOARD_ASSETS_DIR): Promise<DashboardAsset[]> {
  if (!existsSync(join(dir, 'index.html'))) throw new DashboardNotBuiltError(dir);
  const files = await filesUnder(dir);
  return Promise.all(
    files
      .filter((file) => CONTENT_TYPES[extname(file)] !== undefined)
      .map(async (file) => {
        const body = await readFile(file);
        return {
          path: `/${relative(dir, file).split('\\').join('/')}`,
          contentType: CONTENT_TYPES[extname(file)] as string,
          body: new Uint8Array(body),
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
          immutable: HASHED_NAME.test(file),
        };
      }),
  );
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_ASSETS_DIR } from './dashboard-assets.js';

/** The dashboard's budget (docs/dashboard.md): everything the page loads, gzipped. */
const BUDGET_GZIP_BYTES = 150 * 1024;

const built = existsSync(join(DASHBOARD_ASSETS_DIR, 'index.html'));
const uiSources = fileURLToPath(new URL('./ui/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('the built dashboard', () => {
  // CI always builds first (`pnpm test` runs the build); elsewhere an unbuilt tree skips.
  it.skipIf(!built && process.env.CI !== 'true')('stays under its 150 KB gzipped budget', () => {
    const sizes = files(DASHBOARD_ASSETS_DIR).map(
      (file) => gzipSync(readFileSync(file), { level: 9 }).length,
    );
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total, `the dashboard is ${total} bytes gzipped`).toBeLessThan(BUDGET_GZIP_BYTES);
  });

  it.skipIf(!built && process.env.CI !== 'true')(
    'loads nothing from another origin (works offline, no CDN)',
    () => {
      const html = readFileSync(join(DASHBOARD_ASSETS_DIR, 'index.html'), 'utf8');
      const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(references.length).toBeGreaterThanOrEqual(2);
      for (const reference of references) expect(reference).toMatch(/^(\/ui\/assets\/[\w.-]+|data:,)$/);
    },
  );
});

describe('the dashboard sources', () => {
  it('never parse markup: engine output reaches the page as text only', () => {
    for (const file of files(uiSources).filter((path) => path.endsWith('.ts'))) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(
        /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser)\b/,
      );
    }
  });

  it('never put the key in a URL or in lasting storage', () => {
    for (const file of files(uiSources).filter((path) => path.endsWith('.ts'))) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).not.toMatch(/localStorage|document\.cookie|[?&](token|key)=/);
    }
  });
});

// Bundles the dashboard's browser code (src/ui/) into dist/ui/: one minified script and one
// stylesheet with content hashes in their names (served as immutable), and index.html, which
// names them (served as no-cache). No CDN, nothing fetched at run time (docs/dashboard.md).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/ui`;

await rm(outdir, { recursive: true, force: true });
await mkdir(`${outdir}/assets`, { recursive: true });
const result = await build({
  entryPoints: { app: `${root}src/ui/main.ts`, style: `${root}src/ui/app.css` },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: `${outdir}/assets`,
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.startsWith('app-') && name.endsWith('.js'));
const style = outputs.find((name) => name.startsWith('style-') && name.endsWith('.css'));
if (!script || !style) throw new Error(`build-ui: unexpected outputs ${outputs.join(', ')}`);
const template = await readFile(`${root}src/ui/index.html`, 'utf8');
await writeFile(
  `${outdir}/index.html`,
  template.replace('%APP_SCRIPT%', `/ui/assets/${script}`).replace('%APP_STYLE%', `/ui/assets/${style}`),
);

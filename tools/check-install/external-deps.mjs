// Prints `name<TAB>directory` for every third-party package that the given workspace packages
// need at run time (dependencies, transitively; optional peers are not), resolved where this
// repository's install put them. tools/check-install.sh packs them into local tarballs so the
// scratch install needs no registry.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const seen = new Map();

/** The directory of `name` as seen from `fromDir`: `node_modules/<name>` of it or a parent. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${fromDir}`);
  }
}

function visit(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (name.startsWith('@sage/')) continue;
    if (seen.has(name)) continue;
    const found = packageDir(name, dir);
    seen.set(name, found);
    visit(found);
  }
}

for (const dir of process.argv.slice(2)) visit(resolve(dir));
for (const [name, dir] of seen) process.stdout.write(`${name}\t${dir}\n`);

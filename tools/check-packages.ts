/**
 * Package and layer checks run in CI (STYLE G18, SPEC section 2):
 * - every package has README.md, src/index.ts, tsup.config.ts, "type": "module" and exports["."];
 * - imports of @sage/* go to lower layers only, are declared in package.json, and never reach into src/;
 * - library packages never call process.exit;
 * - no import circles inside a package's src/ or bench/src/ (tools/import-cycles.ts).
 * Exits non-zero with one line per violation.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { importCycles } from './import-cycles.js';

export const LAYERS: Record<string, number> = {
  '@sage/protocol': 0,
  '@sage/presets': 1,
  '@sage/dashboard': 1,
  '@sage/control-plane': 2,
  '@sage/server': 3,
  '@sage/llm-core': 4,
  '@sage/cli': 5,
};
/** Side packages: spawned or test-only, never imported by a layer package at run time. */
const SIDE_PACKAGES: Record<string, string[]> = {
  '@sage/engine': ['@sage/protocol'],
  '@sage/testing': [],
};
const LIBRARY_PACKAGES_WITHOUT_EXIT = new Set([
  '@sage/protocol',
  '@sage/presets',
  '@sage/dashboard',
  '@sage/control-plane',
  '@sage/server',
  '@sage/llm-core',
]);

const root = new URL('..', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

const importPattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(source: string): string[] {
  return [...source.matchAll(importPattern)].map((match) => (match[1] ?? match[2]) as string);
}

const staticValueImportPattern =
  /^\s*(?:import|export)\s+(?!type\s)[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

/** Specifiers a module loads when it is evaluated (static imports that are not `import type`). */
export function staticValueImportsOf(source: string): string[] {
  return [...source.matchAll(staticValueImportPattern)].map((match) => (match[1] ?? match[2]) as string);
}

export function checkImport(from: string, specifier: string, isTest: boolean): string | null {
  if (!specifier.startsWith('@sage/')) return null;
  if (/^@sage\/[^/]+\/src(\/|$)/.test(specifier))
    return `deep import '${specifier}' (import the package root)`;
  const target = specifier.split('/').slice(0, 2).join('/');
  if (target === from) return null;
  if (target === '@sage/testing')
    return isTest ? null : `'${target}' is test-only and may be imported only from tests`;
  const fromLayer = LAYERS[from];
  const toLayer = LAYERS[target];
  if (from in SIDE_PACKAGES) {
    return SIDE_PACKAGES[from]?.includes(target) ? null : `side package ${from} may not import '${target}'`;
  }
  if (target in SIDE_PACKAGES) return `'${target}' is a side package: spawn it, never import it`;
  if (fromLayer === undefined || toLayer === undefined) return null;
  if (toLayer >= fromLayer)
    return `layer ${fromLayer} (${from}) may not import layer ${toLayer} ('${target}')`;
  return null;
}

function main(): number {
  const problems: string[] = [];
  const dirs = ['packages', 'apps'].flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map((name) => join(root, group, name))
      : [],
  );
  for (const dir of dirs) {
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const name: string = manifest.name;
    const where = relative(root, dir);
    const isPublic = !manifest.private;
    if (dir.includes('/packages/')) {
      for (const file of [
        'README.md',
        isPublic ? 'src/index.ts' : null,
        isPublic ? 'tsup.config.ts' : null,
      ]) {
        if (file && !existsSync(join(dir, file))) problems.push(`${where}: missing ${file}`);
      }
      if (manifest.type !== 'module') problems.push(`${where}: package.json needs "type": "module"`);
      if (!manifest.exports?.['.']) problems.push(`${where}: package.json needs exports["."]`);
    }
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      ...Object.keys(manifest.devDependencies ?? {}),
    ]);
    const runtimeDeclared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const optionalPeers = new Set(
      Object.entries(manifest.peerDependenciesMeta ?? {})
        .filter(([, meta]) => (meta as { optional?: boolean }).optional)
        .map(([peer]) => peer),
    );
    for (const file of [...sourceFiles(join(dir, 'src')), ...sourceFiles(join(dir, 'test'))]) {
      const rel = relative(root, file);
      const isTest = /\.test\.ts$/.test(file) || file.includes('/test/');
      const source = readFileSync(file, 'utf8');
      for (const specifier of importsOf(source)) {
        const problem = checkImport(name, specifier, isTest);
        if (problem) problems.push(`${rel}: ${problem}`);
        if (specifier.startsWith('@sage/')) {
          const target = specifier.split('/').slice(0, 2).join('/');
          if (target !== name && !(isTest ? declared : runtimeDeclared).has(target)) {
            problems.push(`${rel}: imports '${target}' but ${where}/package.json does not declare it`);
          }
        }
      }
      if (!isTest) {
        for (const peer of staticValueImportsOf(source).filter((specifier) => optionalPeers.has(specifier))) {
          problems.push(
            `${rel}: optional peer '${peer}' imported statically (use \`import type\` or \`await import()\`)`,
          );
        }
      }
      if (!isTest && LIBRARY_PACKAGES_WITHOUT_EXIT.has(name) && /\bprocess\.exit\(/.test(source)) {
        problems.push(`${rel}: process.exit in a library package (throw instead; only bins exit)`);
      }
    }
  }
  for (const dir of [...dirs.map((dir) => join(dir, 'src')), join(root, 'bench/src')]) {
    for (const cycle of importCycles(dir, root)) problems.push(`import circle: ${cycle.join(' → ')}`);
  }
  for (const problem of problems) console.error(problem);
  if (problems.length === 0) console.error(`check-packages: ${dirs.length} packages ok`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  process.exitCode = main();
}

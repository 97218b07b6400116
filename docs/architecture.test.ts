import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [relative(root, path)];
  });
}

const repositoryFiles = ['packages', 'tools', 'bench', 'docs', 'test', 'apps', 'examples'].flatMap((dir) => {
  try {
    return files(join(root, dir));
  } catch {
    return [];
  }
});

/**
 * File paths the page names: `a/b.ts`, `b.ts`, in backticks or diagram labels. A runtime path
 * (`<state dir>/registry.json`) is not a source file and is skipped.
 */
const named = [
  ...new Set(
    [...doc.matchAll(/(?<![\w/.-])([\w.@-]+\/)*[\w.-]+\.(?:ts|mts|mjs|js|md|json|yaml|py)\b/g)].map(
      (match) => match[0],
    ),
  ),
];

describe('docs/architecture.md matches the code', () => {
  it('names files', () => {
    expect(named.length).toBeGreaterThan(10);
  });

  it.each(named)('%s exists', (path) => {
    const found = repositoryFiles.filter((file) => file === path || file.endsWith(`/${path}`));
    expect(found, `no file ${path} (the page names it)`).not.toEqual([]);
  });
});

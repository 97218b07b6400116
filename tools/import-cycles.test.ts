import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesOf, importCycles, importGraph } from './import-cycles.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('import circles', () => {
  it('finds a circle through type-only imports and ignores a chain', () => {
    const graph = importGraph(
      new Map([
        ['/x/a.ts', "import { b } from './b.js';"],
        ['/x/b.ts', "import type { C } from './sub/c.js';"],
        ['/x/sub/c.ts', "export type { A } from '../a.js';\nimport { z } from 'zod';"],
        ['/x/d.ts', "import { a } from './a.js';"],
      ]),
    );
    expect(graph.get('/x/sub/c.ts')).toEqual(['/x/a.ts']);
    expect(cyclesOf(graph)).toEqual([['/x/a.ts', '/x/b.ts', '/x/sub/c.ts']]);
    expect(
      cyclesOf(
        new Map([
          ['/a.ts', ['/b.ts']],
          ['/b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });

  it.each(['bench/src', ...readdirSync(join(root, 'packages')).map((name) => `packages/${name}/src`)])(
    '%s has none',
    (dir) => {
      expect(importCycles(join(root, dir), root)).toEqual([]);
    },
  );
});

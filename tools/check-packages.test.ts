import { describe, expect, it } from 'vitest';
import { checkImport, importsOf, staticValueImportsOf } from './check-packages.js';

describe('check-packages layer rule', () => {
  it('allows imports of lower layers', () => {
    expect(checkImport('@sage/server', '@sage/control-plane', false)).toBeNull();
    expect(checkImport('@sage/control-plane', '@sage/protocol', false)).toBeNull();
  });
  it('rejects imports of the same or a higher layer', () => {
    expect(checkImport('@sage/control-plane', '@sage/server', false)).toMatch(
      /layer 2.*may not import layer 3/,
    );
    expect(checkImport('@sage/protocol', '@sage/presets', false)).toMatch(/may not import/);
  });
  it('rejects deep imports and runtime imports of test fakes or the engine', () => {
    expect(checkImport('@sage/server', '@sage/control-plane/src/index.js', false)).toMatch(/deep import/);
    expect(checkImport('@sage/server', '@sage/testing', false)).toMatch(/test-only/);
    expect(checkImport('@sage/server', '@sage/testing', true)).toBeNull();
    expect(checkImport('@sage/control-plane', '@sage/engine', false)).toMatch(/side package/);
  });
  it('finds static and dynamic imports', () => {
    const source = `import { a } from '@sage/protocol';\nexport { b } from './b.js';\nconst m = await import('@sage/server');`;
    expect(importsOf(source)).toEqual(['@sage/protocol', './b.js', '@sage/server']);
  });

  it('tells value imports (loaded at evaluation) from type-only and dynamic ones', () => {
    const source = [
      "import type { Logger } from 'pino';",
      "import { type A, b } from '@sage/protocol';",
      "import 'side-effect';",
      "const m = await import('@sage/server');",
    ].join('\n');
    expect(staticValueImportsOf(source)).toEqual(['@sage/protocol', 'side-effect']);
  });
});

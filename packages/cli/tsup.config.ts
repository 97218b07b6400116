import { defineConfig } from 'tsup';

// Two entries: the library and the `sage` bin (its source starts with `#!/usr/bin/env node`,
// which esbuild keeps). Workspace packages stay external (they are dependencies).
export default defineConfig({
  entry: { index: 'src/index.ts', 'bin/sage': 'src/bin/sage.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});

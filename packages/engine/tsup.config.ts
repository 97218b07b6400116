import { defineConfig } from 'tsup';

// One build, two entries: the library and the `sage-engine` bin (its source starts with the
// `#!/usr/bin/env node` line, which esbuild keeps).
export default defineConfig({
  entry: { index: 'src/index.ts', 'bin/sage-engine': 'src/bin/sage-engine.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});

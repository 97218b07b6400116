import { defineConfig } from 'tsup';

// The Node side only (the asset reader the gateway imports); scripts/build-ui.mjs bundles the
// browser side into dist/ui/ after it (tsup's `clean` would remove it otherwise).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});

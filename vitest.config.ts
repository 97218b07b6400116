import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so unit tests need no build.
const sourceAlias = [
  {
    find: /^@sage\/(protocol|presets|control-plane|server|llm-core|cli)$/,
    replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
  },
];

export default defineConfig({
  resolve: { alias: sourceAlias },
  test: {
    // Two test files at a time in each project, on any machine (CI has 2 cores). Integration
    // files can share the machine: each has its own state directories and engine port range
    // (the test slots), and most of a file's time is spent waiting on processes, so two lanes
    // overlap well even on 2 cores. Serially the suite took 190 s there; two lanes, 131 s.
    maxWorkers: 2,
    projects: [
      {
        resolve: { alias: sourceAlias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'tools/**/*.test.ts', 'docs/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias: sourceAlias },
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

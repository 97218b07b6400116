import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so unit tests need no build.
const sourceAlias = [
  {
    find: /^@sage\/(protocol|presets|dashboard|control-plane|server|llm-core|cli)$/,
    replacement: fileURLToPath(new URL('./packages/$1/src/index.ts', import.meta.url)),
  },
];

/** One retry in CI, none elsewhere, unless SAGE_TEST_RETRY says how many. */
function integrationRetries(): number {
  const configured = Number.parseInt(process.env.SAGE_TEST_RETRY ?? '', 10);
  if (Number.isInteger(configured) && configured >= 0) return configured;
  return process.env.CI === 'true' ? 1 : 0;
}

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
          // Integration tests drive real processes on a shared 2-core box, so in CI a failed test
          // gets one more try. Nothing is hidden: the closing line of `pnpm test` names every test
          // that passed only on a retry (tools/test-summary.mjs). SAGE_TEST_RETRY overrides it.
          retry: integrationRetries(),
        },
      },
    ],
  },
});

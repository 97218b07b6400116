import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export { pollUntil, waitFor } from './wait-for.js';
export { waitUntilHealthy } from './wait-until-healthy.js';

/** Absolute path of the fake engine script (`node <path> --port N …`). */
export const fakeEnginePath = fileURLToPath(new URL('../bin/fake-engine.mjs', import.meta.url));

/**
 * The directory holding the fake `vllm` console script (a Python script behind
 * `#!/usr/bin/env python3`): put it first on an engine's PATH to run the built-in `vllm` backend.
 */
export const fakeVllmBinDir = fileURLToPath(new URL('../bin/', import.meta.url));

/** Absolute path of the fake `vllm` console script. */
export const fakeVllmPath = fileURLToPath(new URL('../bin/vllm', import.meta.url));

/** Whether `python3` runs here (the fake `vllm` needs it). */
export const python3Available = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The fake engine as custom backend options (`createCustomBackend(fakeEngineBackendOptions)` or a
 * `backends:` entry of sage.yaml); per-engine failure flags go in `extra_args` / `extraArgs`.
 */
export const fakeEngineBackendOptions = Object.freeze({
  name: 'fake',
  command: Object.freeze([
    process.execPath,
    fakeEnginePath,
    '--host',
    '{host}',
    '--port',
    '{port}',
    '--model',
    '{model}',
    '--device',
    '{device}',
  ]),
});

/**
 * `promtool check metrics` over a Prometheus text exposition (stdin). `available: false` when
 * promtool is not installed (`apt-get install prometheus` ships it; `.ci/run` installs it, and
 * under `CI=true` a missing promtool is a failure, not a skip).
 */
export function promtoolCheckMetrics(text) {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error && result.error.code === 'ENOENT') {
    if (process.env.CI === 'true')
      throw new Error('promtool is missing: .ci/run installs it (apt-get install prometheus)');
    return { available: false, ok: false, output: 'promtool is not installed' };
  }
  return { available: true, ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Whether `promtool` runs here (tests that need it are skipped otherwise, outside CI). */
export const promtoolAvailable = (() => {
  const result = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return !result.error || process.env.CI === 'true';
})();

/**
 * The fake engine's failure-mode flags: what tests allow requests to pass in `extra_args`
 * (`allowedExtraArgs: { fake: FAKE_ENGINE_FLAGS }`, or `engines.allowed_extra_args.fake` in sage.yaml).
 */
export const FAKE_ENGINE_FLAGS = Object.freeze([
  '--kind',
  '--slow-start-ms',
  '--unhealthy-after-ms',
  '--crash-after-ms',
  '--exit-at-start',
  '--ignore-sigterm',
  '--spawn-child',
  '--hang-health',
  '--latency-ms',
  '--chunk-delay-ms',
  '--chunks',
  '--fail-status',
  '--grow-memory-mb-per-s',
]);

export { startFakeHub } from './fake-hub.js';
export {
  startFakeKubernetes,
  validateObject as validateKubernetesObject,
} from './fake-kubernetes/fake-kubernetes.js';

import { fileURLToPath } from 'node:url';

/** Absolute path of the fake engine script (`node <path> --port N …`). */
export const fakeEnginePath = fileURLToPath(new URL('../bin/fake-engine.mjs', import.meta.url));

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

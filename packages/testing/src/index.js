import { fileURLToPath } from 'node:url';

/** Absolute path of the fake engine script (`node <path> --port N …`). */
export const fakeEnginePath = fileURLToPath(new URL('../bin/fake-engine.mjs', import.meta.url));

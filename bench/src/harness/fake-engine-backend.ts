import { fakeEngineBackendOptions } from '@sage/testing';
import type { BackendSpec } from './gateway-spec.js';

/** The project's fake engine (`@sage/testing`) as a custom backend; per-engine flags go in `extraArgs`. */
export const fakeEngineBackend: BackendSpec = {
  ...fakeEngineBackendOptions,
  command: [...fakeEngineBackendOptions.command],
};

import { CLIENT_DEFAULTS, CLIENT_ENV } from '../defaults.js';
import { normalizeControlPlaneUrl } from './control-plane-url.js';

/** Where a new client's requests go, decided from the options and the environment. */
export type ConnectionPlan =
  | { mode: 'remote'; baseUrl: string; source: 'option' | 'environment' | 'default' }
  | { mode: 'embedded' };

/**
 * The four cases of `create()`: `controlPlaneUrl` → that control plane; `embedded: true` → one
 * started in this process; neither → `SAGE_CONTROL_PLANE_URL`, else the default URL; both → error.
 */
export function resolveConnection(
  options: { controlPlaneUrl?: string | undefined; embedded?: boolean | undefined },
  environment: Readonly<Record<string, string | undefined>>,
): ConnectionPlan {
  const embedded = options.embedded ?? CLIENT_DEFAULTS.embedded;
  if (embedded && options.controlPlaneUrl !== undefined) {
    throw new TypeError(
      'UnifiedInferenceClient.create(): `controlPlaneUrl` and `embedded: true` exclude each other. ' +
        'Pass `controlPlaneUrl` to use a running control plane, or `embedded: true` to start one in this process.',
    );
  }
  if (embedded) return { mode: 'embedded' };
  if (options.controlPlaneUrl !== undefined) {
    return {
      mode: 'remote',
      baseUrl: normalizeControlPlaneUrl(options.controlPlaneUrl, 'controlPlaneUrl'),
      source: 'option',
    };
  }
  const fromEnvironment = environment[CLIENT_ENV.controlPlaneUrl]?.trim();
  if (fromEnvironment) {
    return {
      mode: 'remote',
      baseUrl: normalizeControlPlaneUrl(fromEnvironment, CLIENT_ENV.controlPlaneUrl),
      source: 'environment',
    };
  }
  return { mode: 'remote', baseUrl: CLIENT_DEFAULTS.controlPlaneUrl, source: 'default' };
}

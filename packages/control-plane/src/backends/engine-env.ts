import type { EngineLaunchSpec, EnginePlacement } from './engine-backend.js';

/** Proxy variables are dropped: an engine talks to loopback and its model store, never through a proxy. */
export const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
] as const;

/**
 * The environment every backend sets: `CUDA_VISIBLE_DEVICES` is the engine's GPUs, or empty on
 * CPU (empty hides every GPU; unset would expose all of them), and proxy variables are removed.
 */
export function placementEnv(
  placement: EnginePlacement,
  extra: Record<string, string | undefined> = {},
): EngineLaunchSpec['env'] {
  const env: EngineLaunchSpec['env'] = {
    CUDA_VISIBLE_DEVICES: placement.device === 'cuda' ? placement.gpuIds.join(',') : '',
  };
  for (const name of PROXY_VARIABLES) env[name] = undefined;
  return { ...env, ...extra };
}

/** Health paths of OpenAI-compatible servers: LLMs `/health` then `/v1/models`; embedding `/health`. */
export function openAiHealthPaths(kind: 'llm' | 'embedding'): readonly string[] {
  return kind === 'llm' ? ['/health', '/v1/models'] : ['/health'];
}

/**
 * Apply a launch spec's env on top of a base environment (the control plane's own), producing the
 * exact environment to spawn with. Variables set to `undefined` are removed.
 */
export function buildEngineEnv(
  base: NodeJS.ProcessEnv,
  spec: EngineLaunchSpec['env'],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

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
 * Variables an engine inherits from the control plane's environment (docs/security.md); nothing
 * else is passed. `NAME_*` matches every variable starting with `NAME_`. The list covers the
 * system, locales, temporary directories, GPU runtimes, Python and Hugging Face (`HF_TOKEN`
 * included: it is the engine's own credential for gated models), node-llama-cpp and the sage
 * engine's `SAGE_HOME` and `SAGE_LOG_LEVEL`. Operators add names with `engines.pass_env`.
 */
export const ENGINE_ENV_ALLOWED: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'TERM',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_*',
  'LD_LIBRARY_PATH',
  'CUDA_*',
  'NVIDIA_*',
  'NCCL_*',
  'HIP_*',
  'ROCR_*',
  'ROCM_*',
  'HSA_*',
  'OMP_NUM_THREADS',
  'MKL_*',
  'OPENBLAS_*',
  'PYTHONPATH',
  'PYTHONHOME',
  'PYTHONUNBUFFERED',
  'VIRTUAL_ENV',
  'CONDA_*',
  'HF_*',
  'HUGGING_FACE_HUB_TOKEN',
  'TRANSFORMERS_*',
  'TORCH_*',
  'PYTORCH_*',
  'TRITON_*',
  'VLLM_*',
  'NODE_LLAMA_CPP_*',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'NO_PROXY',
  'no_proxy',
  'SAGE_HOME',
  'SAGE_LOG_LEVEL',
];

/** The gateway's own secrets: never passed to an engine, whatever the allow-list says. */
export const GATEWAY_SECRET_VARIABLES: readonly string[] = ['SAGE_API_KEYS', 'SAGE_API_KEY'];

/** Whether `name` matches one of `patterns` (`NAME` exactly, or `PREFIX_*`). */
function matches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );
}

/** Whether an engine inherits `name` from the control plane ({@link ENGINE_ENV_ALLOWED} plus `pass`). */
export function isPassedToEngines(name: string, pass: readonly string[] = []): boolean {
  if (GATEWAY_SECRET_VARIABLES.includes(name)) return false;
  return matches(name, ENGINE_ENV_ALLOWED) || matches(name, pass);
}

/**
 * The exact environment to spawn an engine with: the variables of `base` (the control plane's
 * own) that {@link isPassedToEngines} lets through, then the launch spec's env on top (its
 * variables set to `undefined` are removed). The gateway's secrets never reach an engine.
 */
export function buildEngineEnv(
  base: NodeJS.ProcessEnv,
  spec: EngineLaunchSpec['env'],
  pass: readonly string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && isPassedToEngines(key, pass)) env[key] = value;
  }
  for (const [key, value] of Object.entries(spec)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

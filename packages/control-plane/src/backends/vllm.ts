import type { EngineBackend, EnginePlacement } from './engine-backend.js';
import { openAiHealthPaths, placementEnv } from './engine-env.js';

/** Fraction of GPU memory vLLM may take: the reservation over the GPU's total, clamped to 0.05–0.95. */
export function gpuMemoryUtilization(placement: EnginePlacement): number {
  if (!placement.gpuMemoryTotalGb || placement.reservedMemoryGbPerGpu <= 0) return 0.9;
  const ratio = placement.reservedMemoryGbPerGpu / placement.gpuMemoryTotalGb;
  return Math.round(Math.min(0.95, Math.max(0.05, ratio)) * 100) / 100;
}

/**
 * vLLM's OpenAI-compatible server: `vllm serve <model> --host H --port P --tensor-parallel-size N
 * --pipeline-parallel-size N --gpu-memory-utilization U`; embedding models add `--task embed`.
 */
export const vllmBackend: EngineBackend = {
  name: 'vllm',
  kinds: ['llm', 'embedding'],
  // What `launch` sets (with vLLM's short forms), and flags that would take the engine away from
  // its placement: another socket, more GPUs than it was given, a key the gateway does not send.
  ownedFlags: [
    '--model',
    '--host',
    '--port',
    '--uds',
    '--tensor-parallel-size',
    '-tp',
    '--pipeline-parallel-size',
    '-pp',
    '--data-parallel-size',
    '-dp',
    '--gpu-memory-utilization',
    '--task',
    '--device',
    '--served-model-name',
    '--api-key',
    '--enable-sleep-mode',
  ],
  startupTimeoutMs: 900_000,
  healthPaths: openAiHealthPaths,
  program: () => 'vllm',
  // vLLM serves /sleep and /wake_up only in its dev mode; the engine listens on loopback and the
  // gateway forwards only inference routes to it (docs/models.md, docs/security.md).
  sleepMode: { args: ['--enable-sleep-mode'], env: { VLLM_SERVER_DEV_MODE: '1' }, level: 1 },
  launch(request, placement) {
    const argv = [
      'vllm',
      'serve',
      request.modelId,
      '--host',
      placement.host,
      '--port',
      String(placement.port),
      '--tensor-parallel-size',
      String(request.tensorParallelSize),
      '--pipeline-parallel-size',
      String(request.pipelineParallelSize),
      '--gpu-memory-utilization',
      String(gpuMemoryUtilization(placement)),
      ...(request.engineKind === 'embedding' ? ['--task', 'embed'] : []),
      ...(request.extraArgs ?? []),
    ];
    return { argv, env: placementEnv(placement) };
  },
};

import type { EngineStartRequest } from '@sage/protocol';

/** Whether an engine gets GPUs, and how many (SPEC C). */
export interface GpuDecision {
  useGpu: boolean;
  gpuCount: number;
  /** Why, for logs and error messages. */
  reason: string;
}

/**
 * SPEC C: `useGpu` unset → LLM engines get a GPU, embedding engines do not; `true` → a GPU whatever
 * the kind; `false` → none whatever the kind. An unset LLM on a host with no GPU at all runs on
 * CPU (there is nothing to wait for); an explicit `true` there is an error.
 */
export function decideGpu(
  request: Pick<
    EngineStartRequest,
    'engineKind' | 'useGpu' | 'gpuIds' | 'tensorParallelSize' | 'pipelineParallelSize'
  >,
  hostGpuCount: number,
): GpuDecision {
  const gpuCount = request.gpuIds?.length || request.tensorParallelSize * request.pipelineParallelSize;
  if (request.useGpu === false) return { useGpu: false, gpuCount: 0, reason: 'use_gpu is false' };
  if (request.useGpu === true) return { useGpu: true, gpuCount, reason: 'use_gpu is true' };
  if (request.gpuIds && request.gpuIds.length > 0)
    return { useGpu: true, gpuCount, reason: 'gpu_ids pinned' };
  if (request.engineKind === 'embedding')
    return { useGpu: false, gpuCount: 0, reason: 'embedding engines run on CPU unless use_gpu is true' };
  if (hostGpuCount === 0) return { useGpu: false, gpuCount: 0, reason: 'no GPU on this host' };
  return { useGpu: true, gpuCount, reason: 'LLM engines get a GPU by default' };
}

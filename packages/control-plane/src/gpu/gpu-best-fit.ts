import type { GpuStatus } from '@sage/protocol';
import { InsufficientGpuMemoryError } from '../errors.js';

export interface GpuChoiceInput {
  gpus: readonly GpuStatus[];
  requiredGbPerGpu: number;
  gpuCount: number;
  /** Explicit pinning: exactly these GPUs, or an error. */
  pinnedGpuIds?: readonly number[] | undefined;
  /** Added to the error when there are no GPUs at all (e.g. how to enable mock GPUs). */
  noGpusHint?: string | undefined;
}

/** Free memory may be this much short of the request and still count (rounding of GB values). */
const TOLERANCE_GB = 1e-6;

/**
 * Pick GPUs for a reservation (pure, STYLE G7). Best fit: among the GPUs with enough free memory,
 * the ones with the least, so large GPUs stay free for large models (ties: lower index). Pinned
 * GPUs must exist and each have enough free memory. Returns pinned GPUs in the order given, others in ascending order;
 * throws {@link InsufficientGpuMemoryError} naming the request and the free memory per GPU.
 */
export function chooseGpus(input: GpuChoiceInput): number[] {
  const { gpus, requiredGbPerGpu, gpuCount } = input;
  const freeGb = Object.fromEntries(gpus.map((gpu) => [gpu.index, gpu.memoryFreeGb])) as Record<
    number,
    number
  >;
  const fits = (gpu: GpuStatus) => gpu.memoryFreeGb + TOLERANCE_GB >= requiredGbPerGpu;
  const fail = (detail: string): never => {
    throw new InsufficientGpuMemoryError(requiredGbPerGpu, gpuCount, freeGb, detail);
  };
  if (gpuCount > 0 && gpus.length === 0) {
    fail(['this machine has no GPUs', input.noGpusHint].filter(Boolean).join('; '));
  }
  if (input.pinnedGpuIds !== undefined && input.pinnedGpuIds.length > 0) {
    const available = gpus.map((gpu) => gpu.index).join(', ');
    for (const index of input.pinnedGpuIds) {
      const gpu = gpus.find((candidate) => candidate.index === index);
      if (gpu === undefined) fail(`pinned GPU ${index} does not exist (GPUs: ${available})`);
      else if (!fits(gpu)) fail(`pinned GPU ${index} has ${gpu.memoryFreeGb.toFixed(1)} GB free`);
    }
    return [...input.pinnedGpuIds];
  }
  const candidates = gpus
    .filter(fits)
    .sort((left, right) => left.memoryFreeGb - right.memoryFreeGb || left.index - right.index);
  if (candidates.length < gpuCount) {
    fail(`${candidates.length} of ${gpus.length} GPU(s) have enough free memory`);
  }
  return candidates
    .slice(0, gpuCount)
    .map((gpu) => gpu.index)
    .sort((left, right) => left - right);
}

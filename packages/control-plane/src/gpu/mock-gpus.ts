import { DEFAULT_GPU_MOCK_COUNT, DEFAULT_GPU_MOCK_MEMORY_GB, ENV, ValidationError } from '@sage/protocol';
import type { ObservedGpu } from './gpu-reconciliation.js';

/** Mock-mode settings from the environment (SPEC section 5). */
export interface MockGpuSettings {
  /** `SAGE_DISABLE_NVML` is set to a true value: never run nvidia-smi. */
  forced: boolean;
  count: number;
  memoryGb: number;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);

/** Read `SAGE_DISABLE_NVML`, `SAGE_GPU_MOCK_COUNT` and `SAGE_GPU_MOCK_MEMORY_GB`. */
export function readMockGpuSettings(env: NodeJS.ProcessEnv): MockGpuSettings {
  return {
    forced: TRUE_VALUES.has((env[ENV.disableNvml] ?? '').trim().toLowerCase()),
    count: readNumber(
      env,
      ENV.gpuMockCount,
      DEFAULT_GPU_MOCK_COUNT,
      (value) => Number.isInteger(value) && value >= 0,
    ),
    memoryGb: readNumber(env, ENV.gpuMockMemoryGb, DEFAULT_GPU_MOCK_MEMORY_GB, (value) => value > 0),
  };
}

/** The mock GPUs: `count` idle GPUs of `memoryGb` each. */
export function mockGpus(settings: MockGpuSettings): ObservedGpu[] {
  return Array.from({ length: settings.count }, (_, index) => ({
    index,
    uuid: `MOCK-GPU-${index}`,
    name: 'Mock GPU',
    memoryTotalGb: settings.memoryGb,
    memoryUsedGb: 0,
    memoryAvailableGb: settings.memoryGb,
    utilizationPercent: null,
  }));
}

function readNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  isValid: (value: number) => boolean,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !isValid(value)) {
    throw new ValidationError({
      message: `${name}='${raw}' is not valid (default: ${fallback})`,
      path: name,
    });
  }
  return value;
}

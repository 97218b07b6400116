import { fileURLToPath } from 'node:url';
import type { BackendSpec, EngineSpec } from '../harness/gateway-spec.js';

export const SIM_MODEL = 'sim/chat';

/** One simulated engine of the fleet. */
export interface SimulatedEngine {
  label: 'fast' | 'medium' | 'slow';
  prefillMsPer1k: number;
  decodeMsPerToken: number;
  maxConcurrency: number;
  /** Relative price of one GPU-hour (for `cost_optimized` and the cost column). */
  pricePerGpuHour: number;
  /** Prefix-cache capacity in tokens (LRU). */
  prefixCacheTokens: number;
  /** KV memory for concurrent sequences (prompt + max_tokens each), in tokens. */
  kvCapacityTokens: number;
}

/**
 * Three engines of different speed and price serving the same model. Per unit of work the slow
 * engine is the cheapest (price × time: fast 5, medium 4, slow 2 per decoded token). Each holds
 * 8 k prompt tokens in its prefix cache — less than a workload's shared prefixes together, so
 * where a prefix is sent matters — and KV memory for about four long sequences.
 */
export const FLEET: readonly SimulatedEngine[] = [
  {
    label: 'fast',
    prefillMsPer1k: 30,
    decodeMsPerToken: 1,
    maxConcurrency: 4,
    pricePerGpuHour: 5,
    prefixCacheTokens: 8192,
    kvCapacityTokens: 8192,
  },
  {
    label: 'medium',
    prefillMsPer1k: 60,
    decodeMsPerToken: 2,
    maxConcurrency: 4,
    pricePerGpuHour: 2,
    prefixCacheTokens: 8192,
    kvCapacityTokens: 8192,
  },
  {
    label: 'slow',
    prefillMsPer1k: 120,
    decodeMsPerToken: 4,
    maxConcurrency: 2,
    pricePerGpuHour: 0.5,
    prefixCacheTokens: 8192,
    kvCapacityTokens: 4096,
  },
];

const enginePath = fileURLToPath(new URL('../engines/simulated-engine.ts', import.meta.url));

/** The simulated engine as a custom backend (run through tsx). */
export const simulatedBackend: BackendSpec = {
  name: 'simulated',
  command: [
    process.execPath,
    '--import',
    import.meta.resolve('tsx'),
    enginePath,
    '--host',
    '{host}',
    '--port',
    '{port}',
    '--model',
    '{model}',
  ],
};

/** Start requests for the fleet: each engine on a mock GPU with its price, its concurrency as the scheduler's limit. */
export function fleetEngines(): EngineSpec[] {
  return FLEET.map((engine) => ({
    modelId: SIM_MODEL,
    backend: simulatedBackend.name,
    options: {
      useGpu: true,
      requiredMemoryGb: 1,
      maxConcurrentRequests: engine.maxConcurrency,
      engineLabel: `sim-${engine.label}`,
      metadata: { price_per_gpu_hour: engine.pricePerGpuHour, speed: engine.label },
      extraArgs: [
        '--prefill-ms-per-1k',
        String(engine.prefillMsPer1k),
        '--decode-ms-per-token',
        String(engine.decodeMsPerToken),
        '--max-concurrency',
        String(engine.maxConcurrency),
        '--prefix-cache-tokens',
        String(engine.prefixCacheTokens),
        '--kv-capacity-tokens',
        String(engine.kvCapacityTokens),
      ],
    },
  }));
}

/** Service time of a request with `promptTokens` (none cached) and `completionTokens` on `engine`, in ms. */
export function serviceMs(engine: SimulatedEngine, promptTokens: number, completionTokens: number): number {
  return (promptTokens * engine.prefillMsPer1k) / 1000 + completionTokens * engine.decodeMsPerToken;
}

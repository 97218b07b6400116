import { type EngineKind, ValidationError } from '@sage/protocol';
import type { LocalModelFacts } from './local-model-facts.js';
import {
  BUNDLED_TINY_MODEL_GB,
  BUNDLED_TINY_MODEL_PATTERN,
  EMBEDDING_DEFAULT_GB,
  EMBEDDING_MEMORY_TIERS,
  EMBEDDING_MODEL_PATTERN,
  GB_PER_BILLION_PARAMETERS,
  GGUF_CONTEXT_GB,
  GGUF_LOAD_FACTOR,
  LLM_MEMORY_HINTS,
  LLM_OVERHEAD_GB,
  UNKNOWN_MODEL_GB,
  UNKNOWN_MODEL_GPU_SHARE,
} from './model-memory-hints.js';

export interface ModelMemoryEstimateOptions {
  /** Size of the model file when `modelId` is a local `.gguf` path. */
  fileSizeBytes?: number | undefined;
  /** `embedding` forces the embedding rules for a name that does not reveal it. */
  engineKind?: EngineKind | undefined;
  /** What the model on local disk says about its size (a GGUF header, a folder's `config.json`). */
  localModel?: LocalModelFacts | undefined;
  /** The largest GPU's memory: the default for a model nothing sizes never asks for more than fits. */
  gpuMemoryTotalGb?: number | undefined;
}

const BYTES_PER_GB = 1024 ** 3;

/**
 * GB an engine for `modelId` needs on each of its GPUs (pure, STYLE G7). In order:
 * bundled tiny models; a local model's own facts (a `.gguf` file's size and, from its header,
 * the KV cache of a 4096-token context; a folder's weight files or `config.json`); a local
 * `.gguf` file by its size; embedding models by size tier or parameter count, without the LLM
 * overhead; known LLMs; ~2.5 GB per billion parameters parsed from the name (`7B`, `1.5b`,
 * `8x7B`, `135M`); else 16 GB — never more than 90% of the largest GPU. LLM weights are divided
 * by the tensor-parallel size, then 4 GB of KV cache and runtime is added.
 */
export function estimateModelMemory(
  modelId: string,
  tensorParallelSize = 1,
  options: ModelMemoryEstimateOptions = {},
): number {
  if (!Number.isInteger(tensorParallelSize) || tensorParallelSize < 1) {
    throw new ValidationError({
      message: `tensor_parallel_size must be a positive integer, got ${tensorParallelSize}`,
      path: 'tensor_parallel_size',
    });
  }
  const id = modelId.trim().toLowerCase();
  const name = id.slice(id.lastIndexOf('/') + 1);
  if (BUNDLED_TINY_MODEL_PATTERN.test(id)) return BUNDLED_TINY_MODEL_GB;
  const local = options.localModel;
  if (local && local.weightsBytes > 0) {
    const gguf = local.source !== 'config.json';
    const weightsGb = (local.weightsBytes / BYTES_PER_GB) * (gguf ? GGUF_LOAD_FACTOR : 1);
    if (options.engineKind === 'embedding') return roundGb(weightsGb / tensorParallelSize);
    const cacheGb =
      local.kvCacheBytes !== undefined
        ? local.kvCacheBytes / BYTES_PER_GB
        : gguf
          ? GGUF_CONTEXT_GB
          : LLM_OVERHEAD_GB;
    return roundGb((weightsGb + (gguf ? cacheGb : 0)) / tensorParallelSize + (gguf ? 0 : LLM_OVERHEAD_GB));
  }
  if (name.endsWith('.gguf') && options.fileSizeBytes !== undefined && options.fileSizeBytes >= 0) {
    const weightsGb = (options.fileSizeBytes / BYTES_PER_GB) * GGUF_LOAD_FACTOR;
    return roundGb(weightsGb / tensorParallelSize + GGUF_CONTEXT_GB);
  }
  const billions = parameterBillions(name);
  if (options.engineKind === 'embedding' || EMBEDDING_MODEL_PATTERN.test(name)) {
    const gb =
      billions !== null
        ? billions * GB_PER_BILLION_PARAMETERS
        : (EMBEDDING_MEMORY_TIERS.find((tier) => tier.pattern.test(name))?.gb ?? EMBEDDING_DEFAULT_GB);
    return roundGb(gb / tensorParallelSize);
  }
  const hint = LLM_MEMORY_HINTS.find((entry) => entry.pattern.test(name))?.gb;
  if (hint === undefined && billions === null) {
    const estimate = UNKNOWN_MODEL_GB / tensorParallelSize + LLM_OVERHEAD_GB;
    const gpu = options.gpuMemoryTotalGb;
    return roundGb(
      gpu !== undefined && gpu > 0 ? Math.min(estimate, gpu * UNKNOWN_MODEL_GPU_SHARE) : estimate,
    );
  }
  const totalGb = hint ?? (billions as number) * GB_PER_BILLION_PARAMETERS;
  return roundGb(totalGb / tensorParallelSize + LLM_OVERHEAD_GB);
}

/**
 * Billions of parameters named in a model name: `8x7b` → 56, `1.5b` → 1.5, `135m` → 0.135;
 * the first match wins, so `qwen3-30b-a3b` → 30. Null when the name has none.
 */
export function parameterBillions(name: string): number | null {
  const lower = name.toLowerCase();
  const experts = /(?:^|[^a-z0-9.])(\d+)x(\d+(?:\.\d+)?)b(?![a-z0-9])/.exec(lower);
  if (experts) return Number(experts[1]) * Number(experts[2]);
  const size = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)([bm])(?![a-z0-9])/.exec(lower);
  if (!size) return null;
  const value = Number(size[1]);
  return size[2] === 'b' ? value : value / 1000;
}

function roundGb(gb: number): number {
  return Math.round(gb * 100) / 100;
}

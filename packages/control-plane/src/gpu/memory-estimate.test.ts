import { describe, expect, it } from 'vitest';
import { estimateModelMemory, parameterBillions } from './memory-estimate.js';

describe('estimateModelMemory', () => {
  it.each([
    // Known LLMs: hint / tp + 4 GB of KV cache and runtime.
    ['Qwen/Qwen2.5-0.5B-Instruct', 1, 5.5],
    ['Qwen/Qwen2.5-1.5B-Instruct', 1, 8],
    ['Qwen/Qwen2.5-7B-Instruct', 1, 20],
    ['Qwen/Qwen2.5-7B-Instruct', 2, 12],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 1, 22],
    ['meta-llama/Llama-3.1-70B-Instruct', 4, 39],
    // Parameter count from the name: 2.5 GB per billion.
    ['google/gemma-2b-it', 1, 9],
    ['some-org/custom-13b-chat', 1, 36.5],
    ['some-org/moe-8x7b', 2, 74],
    ['HuggingFaceTB/SmolLM-135M', 1, 4.34],
    // Unknown: 16 GB.
    ['some-org/mystery-model', 1, 20],
    ['some-org/mystery-model', 4, 8],
  ])('estimates LLM %s with tp %i at %d GB per GPU', (modelId, tensorParallelSize, expected) => {
    expect(estimateModelMemory(modelId, tensorParallelSize)).toBe(expected);
  });

  it.each([
    ['BAAI/bge-small-en-v1.5', 0.75],
    ['BAAI/bge-base-en-v1.5', 1],
    ['BAAI/bge-large-en-v1.5', 2.5],
    ['BAAI/bge-m3', 3],
    ['intfloat/multilingual-e5-large', 2.5],
    ['intfloat/e5-small-v2', 0.75],
    ['thenlper/gte-base', 1],
    ['sentence-transformers/all-MiniLM-L6-v2', 0.5],
    ['nomic-ai/nomic-embed-text-v1.5', 1.5],
    ['Alibaba-NLP/gte-Qwen2-7B-instruct', 17.5],
    ['Qwen/Qwen3-Embedding-0.6B', 1.5],
  ])('gives embedding model %s a small estimate (%d GB), without the LLM overhead', (modelId, expected) => {
    expect(estimateModelMemory(modelId)).toBe(expected);
  });

  it('uses the embedding rules when the kind says embedding', () => {
    expect(estimateModelMemory('acme/search-encoder', 1, { engineKind: 'embedding' })).toBe(1.5);
  });

  it.each([['sage/tiny-chat'], ['sage/tiny-embed']])('sizes the bundled %s at 0.1 GB', (modelId) => {
    expect(estimateModelMemory(modelId)).toBe(0.1);
  });

  it.each([
    [20 * 1024 ** 2, 1, 0.27],
    [4 * 1024 ** 3, 1, 5.05],
    [4 * 1024 ** 3, 2, 2.65],
  ])(
    'sizes a local .gguf of %i bytes with tp %i by its file (%d GB)',
    (fileSizeBytes, tensorParallelSize, expected) => {
      expect(
        estimateModelMemory('/models/qwen2.5-7b-q4_k_m.gguf', tensorParallelSize, { fileSizeBytes }),
      ).toBe(expected);
    },
  );

  it('falls back to the name of a .gguf file whose size is unknown', () => {
    expect(estimateModelMemory('/models/qwen2.5-7b-q4_k_m.gguf')).toBe(20);
  });

  it('rejects a tensor-parallel size below 1', () => {
    expect(() => estimateModelMemory('x', 0)).toThrow(/tensor_parallel_size/);
  });
});

describe('parameterBillions', () => {
  it.each([
    ['qwen2.5-7b-instruct', 7],
    ['qwen2.5-0.5b', 0.5],
    ['llama-3-8b', 8],
    ['mixtral-8x7b', 56],
    ['qwen3-30b-a3b', 30],
    ['smollm-135m', 0.135],
    ['bge-m3', null],
    ['all-minilm-l6-v2', null],
    ['gpt-neo', null],
  ])('reads %s as %s billion parameters', (name, expected) => {
    expect(parameterBillions(name)).toBe(expected);
  });
});

describe('estimateModelMemory with facts from disk and the GPU size', () => {
  const GB = 1024 ** 3;

  it('sizes a GGUF by its file (× 1.2) plus the KV cache its header implies', () => {
    const estimate = estimateModelMemory('/models/unnamed.gguf', 1, {
      fileSizeBytes: 4 * GB,
      localModel: { weightsBytes: 4 * GB, kvCacheBytes: 0.5 * GB, source: 'gguf-header' },
    });
    expect(estimate).toBe(5.3);
  });

  it('sizes a model folder by its weights plus the LLM overhead, divided by tensor parallelism', () => {
    expect(
      estimateModelMemory('/models/my-finetune', 2, {
        localModel: { weightsBytes: 10 * GB, source: 'config.json' },
      }),
    ).toBe(9);
    expect(
      estimateModelMemory('/models/my-encoder', 1, {
        engineKind: 'embedding',
        localModel: { weightsBytes: 1 * GB, source: 'config.json' },
      }),
    ).toBe(1);
  });

  it('never gives a model nothing sizes more than 90% of the largest GPU', () => {
    expect(estimateModelMemory('some-org/mystery-model', 1, { gpuMemoryTotalGb: 16 })).toBe(14.4);
    expect(estimateModelMemory('some-org/mystery-model', 1, { gpuMemoryTotalGb: 80 })).toBe(20);
    // A size the name gives is kept: too big is a clear InsufficientGpuMemoryError, not a guess.
    expect(estimateModelMemory('some-org/custom-13b-chat', 1, { gpuMemoryTotalGb: 16 })).toBe(36.5);
  });
});

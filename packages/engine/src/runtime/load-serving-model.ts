import type { EngineKind } from '@sage/protocol';
import type { Llama } from 'node-llama-cpp';
import { LlamaEmbeddingModel } from './llama-embedding-model.js';
import { LlamaGenerationModel } from './llama-generation-model.js';
import type { ServingModel } from './serving-model.js';

export interface LoadServingModelOptions {
  modelPath: string;
  kind: EngineKind;
  device: 'cpu' | 'cuda';
  threads: number;
  /** Tokens per sequence. */
  contextSize: number;
  /** Sequences (LLM) or embedding contexts that run at once. */
  parallel: number;
  defaultMaxTokens: number | undefined;
}

/** Load a GGUF file and create the contexts its kind serves with. */
export async function loadServingModel(
  llama: Llama,
  options: LoadServingModelOptions,
): Promise<ServingModel> {
  const model = await llama.loadModel({
    modelPath: options.modelPath,
    gpuLayers: options.device === 'cpu' ? 0 : 'auto',
  });
  try {
    if (options.kind === 'llm') {
      const context = await model.createContext({
        contextSize: options.contextSize,
        sequences: options.parallel,
        threads: options.threads,
      });
      return new LlamaGenerationModel(model, context, options.defaultMaxTokens);
    }
    const contexts = [];
    for (let index = 0; index < options.parallel; index += 1) {
      contexts.push(
        await model.createEmbeddingContext({ contextSize: options.contextSize, threads: options.threads }),
      );
    }
    return new LlamaEmbeddingModel(model, contexts, options.contextSize);
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

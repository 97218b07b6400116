import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import type { EmbeddingInput, EmbeddingModel } from './serving-model.js';

/**
 * Embeddings over `parallel` llama.cpp embedding contexts. A request takes a free context for
 * its whole input list; the request slots guarantee one is free.
 */
export class LlamaEmbeddingModel implements EmbeddingModel {
  readonly kind = 'embedding';
  private readonly free: LlamaEmbeddingContext[];

  constructor(
    private readonly model: LlamaModel,
    private readonly contexts: LlamaEmbeddingContext[],
    readonly contextSize: number,
  ) {
    this.free = [...contexts];
  }

  get vocabularySize(): number {
    return this.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  }

  get dimensions(): number {
    return this.model.embeddingVectorSize;
  }

  countTokens(input: EmbeddingInput): number {
    const context = this.contexts[0];
    if (!context) throw new Error('the embedding model has no context');
    return context.calculateInputLength(input as string | Token[]);
  }

  async embed(input: EmbeddingInput): Promise<readonly number[]> {
    const context = this.free.pop();
    if (!context) throw new Error('no free embedding context: more concurrent requests than --parallel');
    try {
      const embedding = await context.getEmbeddingFor(input as string | Token[]);
      return embedding.vector;
    } finally {
      this.free.push(context);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.dispose()));
    await this.model.dispose();
  }
}

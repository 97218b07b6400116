import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { longestTokenChars, PromptBound } from './prompt-bound.js';
import type { EmbeddingInput, EmbeddingModel } from './serving-model.js';

/**
 * Embeddings over `parallel` llama.cpp embedding contexts. A request takes a free context for
 * its whole input list; the request slots guarantee one is free.
 */
export class LlamaEmbeddingModel implements EmbeddingModel {
  readonly kind = 'embedding';
  private readonly free: LlamaEmbeddingContext[];
  private readonly bound: PromptBound;

  constructor(
    private readonly model: LlamaModel,
    private readonly contexts: LlamaEmbeddingContext[],
    readonly contextSize: number,
  ) {
    this.free = [...contexts];
    const vocabulary = model.fileInfo.metadata.tokenizer?.ggml;
    this.bound = new PromptBound({
      contextSize,
      maxTokenChars: longestTokenChars(vocabulary?.tokens, vocabulary?.token_type as number[] | undefined),
      countTokens: (text, continuation) =>
        model.tokenize(text, false, continuation ? 'trimLeadingSpace' : undefined).length,
    });
  }

  get vocabularySize(): number {
    return this.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0;
  }

  get dimensions(): number {
    return this.model.embeddingVectorSize;
  }

  async countTokens(input: EmbeddingInput, param?: string): Promise<number> {
    const context = this.contexts[0];
    if (!context) throw new Error('the embedding model has no context');
    if (typeof input === 'string') await this.bound.check([input], param ?? null);
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

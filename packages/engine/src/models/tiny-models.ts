import type { EngineKind } from '@sage/protocol';
import type { TinyLlamaModelOptions } from '../gguf/tiny-llama-model.js';

/** A bundled tiny model: generated on first use from a seed, never downloaded. */
export interface TinyModel {
  /** The name a `--model` spec uses, e.g. `sage/tiny-chat`. */
  name: string;
  kind: EngineKind;
  /** File name inside the models directory. */
  fileName: string;
  options: TinyLlamaModelOptions;
}

const architecture = {
  embeddingLength: 128,
  blockCount: 2,
  feedForwardLength: 256,
  headCount: 4,
  contextLength: 16_384,
} as const;

/** The bundled tiny models. Their weights are random, so their output is random bytes. */
export const TINY_MODELS: readonly TinyModel[] = [
  {
    name: 'sage/tiny-chat',
    kind: 'llm',
    fileName: 'tiny-chat.gguf',
    options: { name: 'sage-tiny-chat', seed: 0x5a6e_0001, ...architecture, suppressControlTokens: true },
  },
  {
    name: 'sage/tiny-embed',
    kind: 'embedding',
    fileName: 'tiny-embed.gguf',
    // Mean pooling (llama.cpp pooling type 1), as sentence-embedding models use.
    options: { name: 'sage-tiny-embed', seed: 0x5a6e_0002, ...architecture, poolingType: 1 },
  },
];

export function findTinyModel(name: string): TinyModel | undefined {
  return TINY_MODELS.find((model) => model.name === name);
}

import type { EmbeddingResponse } from '@sage/protocol';
import type { EmbedResult } from './client-options.js';

/** A base64 embedding (`encoding_format: 'base64'`) is little-endian float32. */
function decodeVector(embedding: number[] | string): number[] {
  if (typeof embedding !== 'string') return embedding;
  const bytes = Buffer.from(embedding, 'base64');
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  return Array.from(floats);
}

/** The vectors in input order (by `index`), with usage in camelCase. */
export function toEmbedResult(response: EmbeddingResponse): EmbedResult {
  const ordered = [...response.data].sort((left, right) => left.index - right.index);
  return {
    embeddings: ordered.map((item) => decodeVector(item.embedding)),
    usage: {
      promptTokens: response.usage?.prompt_tokens ?? 0,
      totalTokens: response.usage?.total_tokens ?? 0,
    },
    model: response.model,
  };
}

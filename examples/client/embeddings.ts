// Embeddings: an embedded control plane with a one-engine preset object, three texts embedded
// in one call, and their cosine similarities.
//   npx tsx examples/client/embeddings.ts
import { UnifiedInferenceClient } from '@sage/llm-core';
import { runExample } from '../lib/run.js';

function cosine(left: number[], right: number[]): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (const [index, value] of left.entries()) {
    const other = right[index] ?? 0;
    dot += value * other;
    leftNorm += value * value;
    rightNorm += other * other;
  }
  return dot / (Math.sqrt(leftNorm) * Math.sqrt(rightNorm));
}

await runExample(async () => {
  const client = await UnifiedInferenceClient.create({
    embedded: true,
    preset: {
      version: 1,
      name: 'embeddings-only',
      engines: [
        { name: 'embed', model: 'sage/tiny-embed', kind: 'embedding', backend: 'sage', use_gpu: false },
      ],
    },
    defaultEmbeddingModel: 'sage/tiny-embed',
  });
  try {
    const texts = ['GPUs run inference.', 'Graphics cards serve models.', 'I had pasta for lunch.'];
    const { embeddings, usage, model } = await client.embed(texts);
    console.log(
      `${model}: ${embeddings.length} vectors of ${embeddings[0]?.length} dimensions, ${usage.totalTokens} tokens`,
    );
    for (let index = 1; index < texts.length; index += 1) {
      console.log(
        `similarity("${texts[0]}", "${texts[index]}") = ${cosine(embeddings[0]!, embeddings[index]!).toFixed(3)}`,
      );
    }
  } finally {
    await client.close();
  }
});

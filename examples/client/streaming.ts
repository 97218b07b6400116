// Streaming: print an answer as it is generated, then cancel a second one after three chunks
// (leaving the loop aborts the HTTP request, so the engine stops generating).
//   npx tsx examples/client/streaming.ts
import { UnifiedInferenceClient } from '@sage/llm-core';
import { runExample } from '../lib/run.js';

await runExample(async () => {
  const client = await UnifiedInferenceClient.create({ embedded: true });
  try {
    for await (const chunk of client.chatStream('Count from one to ten.', { maxTokens: 32 })) {
      process.stdout.write(chunk.choices[0]?.delta.content ?? '');
    }
    process.stdout.write('\n');

    let chunks = 0;
    for await (const chunk of client.chatStream('Write a long story.', { maxTokens: 64 })) {
      process.stdout.write(chunk.choices[0]?.delta.content ?? '');
      chunks += 1;
      if (chunks === 3) break;
    }
    console.log(`\n(cancelled after ${chunks} chunks)`);
  } finally {
    await client.close();
  }
});

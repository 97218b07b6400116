// Remote mode: use a running gateway. Start one first:
//   pnpm sage llm serve            (in this repository; or `sage gateway start`)
//   npx tsx examples/client/remote.ts
// The URL comes from SAGE_CONTROL_PLANE_URL, else http://127.0.0.1:8889/v1.
import { UnifiedInferenceClient } from '@sage/llm-core';
import { runExample } from '../lib/run.js';

await runExample(async () => {
  const client = await UnifiedInferenceClient.create();
  try {
    console.log(`control plane at ${client.baseUrl}`);
    for (const model of await client.models()) console.log(`  ${model.kind ?? '?'}\t${model.id}`);

    const status = await client.status();
    for (const engine of status.engines) {
      console.log(`  ${engine.engineId} ${engine.modelId} ${engine.status} on ${engine.device}`);
    }

    const answer = await client.chat('What is a GPU? One sentence.', { maxTokens: 24, priority: 'high' });
    console.log(answer.choices[0]?.message.content);
  } finally {
    await client.close();
  }
});

// Embedded mode: start a control plane with the two tiny offline engines inside this process,
// ask one question, and stop everything again.
//   npx tsx examples/client/basic.ts
import { UnifiedInferenceClient } from '@sage/llm-core';
import { runExample } from '../lib/run.js';

await runExample(async () => {
  const client = await UnifiedInferenceClient.create({ embedded: true });
  try {
    const answer = await client.chat([{ role: 'user', content: 'Say hello in five words.' }], {
      maxTokens: 16,
      temperature: 0,
    });
    console.log(`${answer.model}: ${answer.choices[0]?.message.content}`);
    console.log('usage:', answer.usage);
  } finally {
    await client.close();
  }
});

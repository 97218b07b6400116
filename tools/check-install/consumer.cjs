// CommonJS consumer of the installed @sage/llm-core (tools/check-install.sh).
const assert = require('node:assert/strict');
const { UnifiedInferenceClient, SageError } = require('@sage/llm-core');

(async () => {
  const client = await UnifiedInferenceClient.create({ controlPlaneUrl: process.env.SAGE_CONTROL_PLANE_URL });
  const answer = await client.chat('Say hello', { maxTokens: 4, temperature: 0 });
  assert.equal(answer.object, 'chat.completion');
  let chunks = 0;
  for await (const chunk of client.chatStream('Say hello', { maxTokens: 4 })) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    chunks += 1;
  }
  assert.ok(chunks > 1, `chatStream gave ${chunks} chunks`);
  const embedded = await UnifiedInferenceClient.create({ embedded: true }).then(
    () => assert.fail('embedded mode started without @sage/server'),
    (error) => error,
  );
  assert.ok(SageError.isInstance(embedded), String(embedded));
  assert.match(embedded.message, /npm install @sage\/server/);
  await client.close();
  console.log('require(@sage/llm-core): ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

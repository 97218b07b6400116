// ES module consumer of the installed @sage/llm-core (tools/check-install.sh).
import assert from 'node:assert/strict';
import { UnifiedInferenceClient } from '@sage/llm-core';

const client = await UnifiedInferenceClient.create({ controlPlaneUrl: process.env.SAGE_CONTROL_PLANE_URL });
const models = await client.models();
assert.ok(models.length >= 2, `models: ${JSON.stringify(models)}`);
const embedding = await client.embed(['one', 'two']);
assert.equal(embedding.embeddings.length, 2);
const answer = await client.chat([{ role: 'user', content: 'Hi' }], { maxTokens: 4 });
assert.equal(answer.object, 'chat.completion');
await client.close();
console.log('import(@sage/llm-core): ok');

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestGateway, type TestGateway } from './support/gateway-harness.js';
import { createOpenApiValidator, hasOpenApiSpec } from './support/openapi-validator.js';

/** The real tiny engines run from the engine package's build (`pnpm --filter @sage/engine build`). */
const engineBin = fileURLToPath(new URL('../../engine/dist/bin/sage-engine.js', import.meta.url));

let harness: TestGateway;
let validate: (schemaName: string, value: unknown) => string[] = () => [];

describe.skipIf(!existsSync(engineBin))('the official openai client against the tiny sage engines', () => {
  beforeAll(async () => {
    // The real tiny engines load in a second on a quiet machine but can take over 15 s on a busy
    // 2-core box: a patient startup timeout, so a slow load is not a failed start.
    harness = await startTestGateway(12, { preset: 'local', managerOptions: { startupTimeoutMs: 60_000 } });
    if (hasOpenApiSpec) validate = createOpenApiValidator();
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('lists both tiny models', async () => {
    const models = await harness.client.models.list();
    expect(models.data.map((model) => [model.id, (model as { kind?: string }).kind]).sort()).toEqual([
      ['sage/tiny-chat', 'llm'],
      ['sage/tiny-embed', 'embedding'],
    ]);
  });

  it('answers a chat completion in OpenAI shape', async () => {
    const completion = await harness.client.chat.completions.create({
      model: 'sage/tiny-chat',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
    });
    expect(validate('CreateChatCompletionResponse', completion)).toEqual([]);
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a chat completion by label, and a completion without a model', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
      stream: true,
    });
    let chunks = 0;
    for await (const chunk of stream) {
      expect(validate('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
      chunks += 1;
    }
    expect(chunks).toBeGreaterThan(1);
    const response = await fetch(`${harness.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'once upon a time', max_tokens: 4 }),
    });
    const completion = await readJson(response);
    expect(validate('CreateCompletionResponse', completion)).toEqual([]);
    expect(completion.model).toBe('sage/tiny-chat');
  });

  it('answers embeddings', async () => {
    const embeddings = await harness.client.embeddings.create({
      model: 'sage/tiny-embed',
      input: ['first', 'second'],
      encoding_format: 'float',
    });
    expect(validate('CreateEmbeddingResponse', embeddings)).toEqual([]);
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('answers errors in OpenAI shape', async () => {
    const notFound = await harness.client.embeddings
      .create({ model: 'sage/tiny-nothing', input: 'x' })
      .catch((caught: unknown) => caught);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    const badRequest = await harness.client.chat.completions
      .create({ model: 'sage/tiny-chat', messages: [], max_tokens: 4 })
      .catch((caught: unknown) => caught);
    expect(badRequest).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badRequest as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });
});

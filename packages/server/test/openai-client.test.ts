import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, startTestGateway, type TestGateway } from './support/gateway-harness.js';
import { createOpenApiValidator, hasOpenApiSpec } from './support/openapi-validator.js';

let harness: TestGateway;
let validate: (schemaName: string, value: unknown) => string[];

beforeAll(async () => {
  harness = await startTestGateway(0);
  await Promise.all([
    harness.startEngine('fake/chat', { engineLabel: 'chat' }),
    harness.startEngine('fake/embed', { engineKind: 'embedding', engineLabel: 'embed' }),
  ]);
  validate = hasOpenApiSpec ? createOpenApiValidator() : () => [];
});

afterAll(async () => {
  await harness?.close();
});

describe('the official openai client against the gateway and fake engines', () => {
  it('lists the models of RUNNING engines with their kind', async () => {
    const response = await fetch(`${harness.url}/v1/models`);
    const body = await readJson(response);
    expect(validate('ListModelsResponse', body)).toEqual([]);
    const models = await harness.client.models.list();
    const entries = models.data.map((model) => ({ id: model.id, kind: (model as { kind?: string }).kind }));
    expect(entries).toEqual(
      expect.arrayContaining([
        { id: 'fake/chat', kind: 'llm' },
        { id: 'fake/embed', kind: 'embedding' },
      ]),
    );
    expect(models.data.every((model) => model.owned_by === 'sage' && model.object === 'model')).toBe(true);
  });

  it('answers a chat completion through an engine, with the request id and engine id headers', async () => {
    const { data, response } = await harness.client.chat.completions
      .create(
        { model: 'fake/chat', messages: [{ role: 'user', content: 'hello there' }] },
        { headers: { 'X-Request-ID': 'test-request-1' } },
      )
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('tok0 tok1 tok2 tok3 tok4 ');
    expect(validate('CreateChatCompletionResponse', data)).toEqual([]);
    expect(response.headers.get('x-request-id')).toBe('test-request-1');
    const engineId = response.headers.get('x-sage-engine-id');
    expect(harness.gateway.manager.getEngine(engineId ?? '').modelId).toBe('fake/chat');
  });

  it('streams a chat completion chunk by chunk', async () => {
    const stream = await harness.client.chat.completions.create({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      expect(validate('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      usage ??= chunk.usage ?? undefined;
    }
    expect(pieces.join('')).toBe('tok0 tok1 tok2 tok3 tok4 ');
    expect(usage).toMatchObject({ completion_tokens: 5 });
  });

  it('answers completions, streaming and not', async () => {
    const completion = await harness.client.completions.create({ model: 'fake/chat', prompt: 'once upon' });
    expect(completion.choices[0]?.text).toBe('tok0 tok1 tok2 tok3 tok4 ');
    expect(validate('CreateCompletionResponse', completion)).toEqual([]);
    const stream = await harness.client.completions.create({ model: 'fake/chat', prompt: 'a', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 ');
  });

  it('answers embeddings', async () => {
    const embeddings = await harness.client.embeddings.create({
      model: 'fake/embed',
      input: ['one', 'two'],
      encoding_format: 'float',
    });
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]?.embedding).toHaveLength(8);
    expect(validate('CreateEmbeddingResponse', embeddings)).toEqual([]);
  });

  it('resolves an engine label, and the default model of the kind when the request names none', async () => {
    const byLabel = await harness.client.embeddings.create({
      model: 'embed',
      input: 'x',
      encoding_format: 'float',
    });
    expect(byLabel.model).toBe('fake/embed');
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'no model' }] }),
    });
    expect(response.status).toBe(200);
    expect((await readJson(response)).model).toBe('fake/chat');
  });

  it('answers an unknown model with 404 model_not_found in OpenAI shape', async () => {
    const error = await harness.client.chat.completions
      .create({ model: 'no/such-model', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const apiError = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(apiError.code).toBe('model_not_found');
    expect(apiError.param).toBe('model');
    expect(apiError.headers?.get('x-sage-error-source')).toBe('gateway');
    expect(validate('ErrorResponse', { error: apiError.error })).toEqual([]);
  });

  it('answers an invalid body with 400 naming the failing field', async () => {
    const error = await harness.client.chat.completions
      .create({ model: 'fake/chat', messages: [{ role: 'wizard', content: 'hi' }] } as never)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages.0.role');
  });

  it('passes an engine error body through unchanged, marked as coming from the engine', async () => {
    const engine = await harness.startEngine('fake/broken', { extraArgs: ['--fail-status', '422'] });
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/broken', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('x-sage-error-source')).toBe('engine');
    expect(response.headers.get('x-sage-engine-id')).toBe(engine.engineId);
    expect(await readJson(response)).toEqual({
      error: { message: 'fake failure', type: 'server_error', param: null, code: null },
    });
  });
});

import { execFileSync } from 'node:child_process';
import { GPUResourceManager } from '@sage/control-plane';
import { fakeVllmBinDir } from '@sage/testing';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpuMockEnv, readJson, startTestGateway, type TestGateway } from './support/gateway-harness.js';
import { createOpenApiValidator, hasOpenApiSpec } from './support/openapi-validator.js';

/** `/v1/responses`, `/v1/messages` and `/v1/models/{id}` against the fake engine (chat completions only). */
let harness: TestGateway;
let validate: (schemaName: string, value: unknown) => string[];
const TEXT = 'tok0 tok1 tok2 tok3 tok4 ';

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const vllmEnv = {
  ...gpuMockEnv,
  PATH: `${fakeVllmBinDir}:${process.env.PATH ?? ''}`,
  FAKE_VLLM_LOAD_MS: '0',
};

beforeAll(async () => {
  harness = await startTestGateway(20, {
    managerOptions: { env: vllmEnv, gpu: new GPUResourceManager({ env: vllmEnv }) },
  });
  await harness.startEngine('fake/chat', { engineLabel: 'chat' });
  validate = hasOpenApiSpec ? createOpenApiValidator() : () => [];
});

afterAll(async () => {
  await harness?.close();
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The SSE events of a response: `{ event, data }` with data parsed. */
async function events(response: Response): Promise<Array<{ event: string | undefined; data: any }>> {
  const { serverSentEvents } = await import('@sage/protocol');
  const out = [];
  for await (const event of serverSentEvents(response.body as ReadableStream<Uint8Array>)) {
    out.push({ event: event.event, data: JSON.parse(event.data) });
  }
  return out;
}

describe('GET /v1/models/{id}', () => {
  it('answers ids with a slash, encoded (the openai SDK) or not (curl)', async () => {
    const model = await harness.client.models.retrieve('fake/chat');
    expect(model).toMatchObject({ id: 'fake/chat', object: 'model', owned_by: 'sage', kind: 'llm' });
    expect(validate('Model', model)).toEqual([]);
    const raw = await fetch(`${harness.url}/v1/models/fake/chat`);
    expect(raw.status).toBe(200);
    expect((await readJson(raw)).id).toBe('fake/chat');
    const missing = await fetch(`${harness.url}/v1/models/no%2Fsuch`);
    expect(missing.status).toBe(404);
    const body = await readJson(missing);
    expect(body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(validate('ErrorResponse', body)).toEqual([]);
  });
});

describe('POST /v1/responses translated to chat completions', () => {
  it('answers a Response (openai SDK), valid against the OpenAPI description', async () => {
    const response = await harness.client.responses.create({
      model: 'fake/chat',
      instructions: 'be brief',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello' }] }],
      max_output_tokens: 16,
    });
    expect(response.output_text).toBe(TEXT);
    expect(response.status).toBe('completed');
    expect(response.usage).toMatchObject({ output_tokens: 5 });
    expect(validate('Response', response)).toEqual([]);
  });

  it('streams the Responses event types, each valid, the deltas making the text', async () => {
    const stream = await harness.client.responses.create({ model: 'chat', input: 'stream it', stream: true });
    const types: string[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      expect(validate('ResponseStreamEvent', event), event.type).toEqual([]);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toBe(TEXT);
    expect(completed?.output_text ?? completed?.output[0]).toBeTruthy();
    expect(completed?.usage?.output_tokens).toBe(5);
    // The SSE event name is the event's type.
    const raw = await events(await post('/v1/responses', { model: 'fake/chat', input: 'x', stream: true }));
    expect(raw.every(({ event, data }) => event === data.type)).toBe(true);
  });

  it('refuses what it cannot translate with a 400 naming the parameter', async () => {
    const cases: Array<[unknown, string, string]> = [
      [
        { model: 'fake/chat', input: 'x', tools: [{ type: 'function', name: 'f' }] },
        'tools',
        'unsupported_parameter',
      ],
      [
        { model: 'fake/chat', input: 'x', previous_response_id: 'resp_1' },
        'previous_response_id',
        'unsupported_parameter',
      ],
      [
        { model: 'fake/chat', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] },
        'input.0.content.0',
        'unsupported_parameter',
      ],
      [{ model: 'fake/chat' }, 'input', 'invalid_value'],
    ];
    for (const [body, param, code] of cases) {
      const response = await post('/v1/responses', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await readJson(response);
      expect(error.error).toMatchObject({ param, code });
      expect(validate('ErrorResponse', error)).toEqual([]);
    }
    const unknown = await post('/v1/responses', { model: 'no/such', input: 'x' });
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).error.code).toBe('model_not_found');
  });

  it.skipIf(!hasPython)('passes /v1/responses through to a vLLM engine, which serves it', async () => {
    await harness.startEngine('Qwen/Qwen2.5-0.5B-Instruct', { backend: 'vllm', useGpu: true });
    const response = await harness.client.responses.create({
      model: 'Qwen/Qwen2.5-0.5B-Instruct',
      input: 'hi',
    });
    expect(response.id).toMatch(/^resp_vllm_/);
    expect(response.output_text).toBe('native responses');
  });
});

describe('POST /v1/messages (Anthropic Messages API) translated to chat completions', () => {
  it('answers a Message', async () => {
    const response = await post('/v1/messages', {
      model: 'fake/chat',
      max_tokens: 16,
      system: 'be brief',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
    });
    expect(response.status).toBe(200);
    expect(await readJson(response)).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'fake/chat',
      content: [{ type: 'text', text: TEXT }],
      stop_reason: expect.stringMatching(/^(end_turn|max_tokens)$/),
      usage: { output_tokens: 5 },
    });
  });

  it('streams message_start … content_block_delta … message_stop', async () => {
    const response = await post('/v1/messages', {
      model: 'fake/chat',
      max_tokens: 16,
      stream: true,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const streamed = await events(response);
    const types = streamed.map(({ data }) => data.type);
    expect(types.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const text = streamed
      .filter(({ data }) => data.type === 'content_block_delta')
      .map(({ data }) => data.delta.text)
      .join('');
    expect(text).toBe(TEXT);
    expect(streamed.every(({ event, data }) => event === data.type)).toBe(true);
  });

  it("answers errors in Anthropic's shape, with the OpenAI code kept", async () => {
    const invalid = await post('/v1/messages', { model: 'fake/chat', messages: [] });
    expect(invalid.status).toBe(400);
    expect(await readJson(invalid)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_value', param: 'messages' },
    });
    const unknown = await post('/v1/messages', {
      model: 'no/such',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(unknown.status).toBe(404);
    expect(await readJson(unknown)).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', code: 'model_not_found' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULTS } from '../src/index.js';
import { readJson, startTestGateway, type TestGateway } from './support/gateway-harness.js';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway(11);
  await harness.startEngine('fake/chat');
});

afterAll(async () => {
  await harness?.close();
});

function post(path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

async function expectOpenAiError(response: Response, status: number, param?: string | null) {
  expect(response.status).toBe(status);
  expect(response.headers.get('x-sage-error-source')).toBe('gateway');
  expect(response.headers.get('x-request-id')).toBeTruthy();
  const body = await readJson(response);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  if (param !== undefined) expect(body.error.param).toBe(param);
  return body.error as { message: string; code: string | null };
}

const valid = JSON.stringify({ model: 'fake/chat', messages: [{ role: 'user', content: 'hi' }] });

describe('bad input gets a 4xx in OpenAI shape, and the gateway keeps serving', () => {
  it.each([
    ['malformed JSON', '{"model": "fake/chat", "messages": [', null],
    ['an empty body', '', null],
    ['a JSON array', '[1, 2]', null],
    ['messages of the wrong type', JSON.stringify({ model: 'fake/chat', messages: 'hi' }), 'messages'],
    [
      'a wrong temperature',
      JSON.stringify({ model: 'fake/chat', messages: [{ role: 'user' }], temperature: 'hot' }),
      'temperature',
    ],
    [
      'a non-string model',
      JSON.stringify({ model: 42, messages: [{ role: 'user', content: 'x' }] }),
      'model',
    ],
  ])('answers %s with 400', async (_name, body, param) => {
    await expectOpenAiError(await post('/v1/chat/completions', body), 400, param);
    expect((await post('/v1/chat/completions', valid)).status).toBe(200);
  });

  it('answers embeddings with a bad input field with 400 naming it', async () => {
    const response = await post('/v1/embeddings', JSON.stringify({ model: 'fake/chat', input: [] }));
    await expectOpenAiError(response, 400, 'input');
  });

  it('refuses a body over the limit with 413, by Content-Length and when chunked', async () => {
    const huge = JSON.stringify({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'x'.repeat(GATEWAY_DEFAULTS.bodyLimitBytes) }],
    });
    const declared = await expectOpenAiError(await post('/v1/chat/completions', huge), 413);
    expect(declared.code).toBe('request_too_large');
    const bytes = new TextEncoder().encode(huge);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 256 * 1024) {
          controller.enqueue(bytes.subarray(offset, offset + 256 * 1024));
        }
        controller.close();
      },
    });
    await expectOpenAiError(await post('/v1/chat/completions', chunked), 413);
    expect((await post('/v1/chat/completions', valid)).status).toBe(200);
  });

  it('answers an unknown model with 404 and an unknown route with 404', async () => {
    const unknown = JSON.stringify({ model: 'who/knows', messages: [{ role: 'user', content: 'x' }] });
    const error = await expectOpenAiError(await post('/v1/chat/completions', unknown), 404, 'model');
    expect(error.code).toBe('model_not_found');
    const route = await expectOpenAiError(await post('/v1/images/generations', '{}'), 404);
    expect(route.code).toBe('unknown_url');
    expect((await post('/v1/chat/completions', valid)).status).toBe(200);
  });

  it('keeps unknown fields OpenAI tolerates and forwards them', async () => {
    const body = JSON.stringify({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'x', extra: true }],
      logit_bias: { 1: 2 },
      some_future_field: 'ok',
    });
    expect((await post('/v1/chat/completions', body)).status).toBe(200);
  });
});

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { EngineMetrics } from '../metrics/engine-metrics.js';
import type { GenerationModel, PreparedGeneration } from '../runtime/serving-model.js';
import { RequestSlots } from '../scheduling/request-slots.js';
import { createEngineApp } from './create-engine-app.js';
import { EngineState } from './engine-state.js';

/** A generation model that "generates" fixed pieces of text, one token each. */
function fakeModel(pieces: string[]): GenerationModel {
  const prepared = (promptTokens: number): PreparedGeneration => ({
    promptTokens,
    generate: async (params, hooks) => {
      const used = pieces.slice(0, params.maxTokens);
      for (const piece of used) {
        hooks.onText(piece);
        hooks.onTokens(1);
      }
      return { text: used.join(''), finishReason: 'length', completionTokens: used.length, aborted: false };
    },
  });
  return {
    kind: 'llm',
    contextSize: 64,
    defaultMaxTokens: 16,
    prepareChat: async () => prepared(5),
    prepareCompletion: async (prompt) => prepared(prompt.length + 1),
    close: async () => {},
  };
}

function setup(kind: 'llm' | 'embedding' = 'llm', slots = new RequestSlots(1, 1)) {
  const state = new EngineState('tiny', kind, () => 1_000_000);
  const metrics = new EngineMetrics('tiny', slots);
  const app = createEngineApp({
    state,
    slots,
    metrics,
    logger: pino({ level: 'silent' }),
    shutdownSignal: new AbortController().signal,
    now: () => 2_000_000,
  });
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { state, slots, app, post };
}

describe('createEngineApp', () => {
  it('answers 503 on /health, /v1/models and inference while the model loads, then serves', async () => {
    const { state, app, post } = setup();
    expect((await app.request('/health')).status).toBe(503);
    expect((await app.request('/v1/models')).status).toBe(503);
    const loading = await post('/v1/completions', { prompt: 'x' });
    expect(loading.status).toBe(503);
    expect(loading.headers.get('retry-after')).toBe('1');
    expect(await loading.json()).toMatchObject({ error: { code: 'model_loading' } });
    state.ready(fakeModel(['a', 'b']));
    expect((await app.request('/health')).status).toBe(200);
    expect(await (await app.request('/v1/models')).json()).toMatchObject({
      data: [{ id: 'tiny', kind: 'llm' }],
    });
  });

  it('answers a request for the wrong kind with 400 even while loading', async () => {
    const { post } = setup('embedding');
    const response = await post('/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'wrong_model_kind', param: 'model' } });
  });

  it('refuses what it does not serve with a 400 that names the parameter, and every 400 has a code', async () => {
    const { state, post } = setup();
    state.ready(fakeModel(['a', 'b']));
    const cases: Array<[string, unknown, string, string]> = [
      [
        '/v1/chat/completions',
        { messages: [{ role: 'user', content: 'x' }], logprobs: true },
        'logprobs',
        'unsupported_parameter',
      ],
      [
        '/v1/chat/completions',
        { messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 },
        'top_logprobs',
        'unsupported_parameter',
      ],
      ['/v1/completions', { prompt: 'x', logprobs: 1 }, 'logprobs', 'unsupported_parameter'],
      ['/v1/completions', { prompt: ['a', 'b'] }, 'prompt', 'invalid_value'],
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n', 'invalid_value'],
    ];
    for (const [path, body, param, code] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(await response.json()).toMatchObject({ error: { param, code } });
    }
    // Asking for nothing is not refused.
    const plain = await post('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'x' }],
      logprobs: false,
    });
    expect(plain.status).toBe(200);
  });

  it('returns OpenAI completion bodies with usage', async () => {
    const { state, post } = setup();
    state.ready(fakeModel(['a', 'b', 'c']));
    const body = await (await post('/v1/completions', { prompt: 'hi', max_tokens: 2 })).json();
    expect(body).toMatchObject({
      object: 'text_completion',
      model: 'tiny',
      created: 2000,
      choices: [{ index: 0, text: 'ab', finish_reason: 'length', logprobs: null }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });

  it('streams chat chunks: role first, one chunk per piece, finish, usage, [DONE]', async () => {
    const { state, post } = setup();
    state.ready(fakeModel(['a', 'b']));
    const response = await post('/v1/chat/completions', {
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'a' },
      { content: 'b' },
      {},
      undefined,
    ]);
    expect(chunks[3].choices[0].finish_reason).toBe('length');
    expect(chunks[4]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(chunks.slice(0, 4).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('answers 429 with Retry-After when every slot is busy and the queue is full', async () => {
    const { state, slots, post } = setup('llm', new RequestSlots(1, 0));
    state.ready(fakeModel(['a']));
    const release = await slots.acquire(new AbortController().signal);
    const response = await post('/v1/completions', { prompt: 'x' });
    release();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'queue_full' } });
  });

  it('answers unknown routes with 404 in OpenAI shape', async () => {
    const { app } = setup();
    const response = await app.request('/v1/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

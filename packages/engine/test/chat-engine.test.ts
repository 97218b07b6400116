import { promtoolAvailable, promtoolCheckMetrics } from '@sage/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngineBuilt,
  type EngineProcess,
  pollUntil,
  postJson,
  readMetric,
  spawnEngine,
  temporarySageHome,
  waitUntilHealthy,
} from './engine-process.js';

const MODEL = 'sage/tiny-chat';
/** Long enough that a generation is still running when the test aborts it (≈ 2 ms per token here). */
const LONG_GENERATION = 6000;

let engine: EngineProcess;
let healthStatuses: number[];
let client: OpenAI;
let removeHome: () => Promise<void>;

beforeAll(async () => {
  assertEngineBuilt();
  const home = await temporarySageHome();
  removeHome = home.remove;
  engine = await spawnEngine(
    ['--model', MODEL, '--kind', 'llm', '--context-size', '8192', '--parallel', '1', '--max-queue', '1'],
    home.path,
  );
  healthStatuses = await waitUntilHealthy(engine.baseUrl);
  client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await engine?.stop();
  await removeHome?.();
});

const running = () => readMetric(engine.baseUrl, 'sage_engine_requests_running');
const waiting = () => readMetric(engine.baseUrl, 'sage_engine_requests_waiting');

describe('sage-engine with sage/tiny-chat', () => {
  it('answers /health 503 while the model loads, then 200', () => {
    expect(healthStatuses[0]).toBe(503);
    expect(healthStatuses.at(-1)).toBe(200);
    expect(new Set(healthStatuses)).toEqual(new Set([503, 200]));
  });

  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual([MODEL]);
  });

  it('answers a chat completion with real token usage', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are tiny.' },
        { role: 'user', content: 'Hello!' },
      ],
      max_tokens: 8,
      temperature: 0.7,
      top_p: 0.9,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(typeof completion.choices[0]?.message.content).toBe('string');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    const usage = completion.usage!;
    expect(usage.prompt_tokens).toBeGreaterThan('You are tiny.Hello!'.length);
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(8);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  it('generates 16 tokens when max_tokens is left out (the tiny-model default)', async () => {
    const completion = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.usage?.completion_tokens).toBeGreaterThanOrEqual(16);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(17);
  });

  it('streams a chat completion token by token, ending with a usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Stream please' }],
      max_tokens: 12,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks.length).toBeGreaterThan(2);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe('length');
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.completion_tokens).toBeGreaterThanOrEqual(12);
    expect(last.usage?.total_tokens).toBe(
      (last.usage?.prompt_tokens ?? 0) + (last.usage?.completion_tokens ?? 0),
    );
  });

  it('answers legacy completions, streaming and not', async () => {
    const completion = await client.completions.create({ model: MODEL, prompt: 'Once upon', max_tokens: 6 });
    expect(completion.object).toBe('text_completion');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    // "Once upon": 9 byte-level tokens plus <s>.
    expect(completion.usage?.prompt_tokens).toBe(10);

    const stream = await client.completions.create({
      model: MODEL,
      prompt: 'Once upon',
      max_tokens: 6,
      stream: true,
    });
    let text = '';
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finishReason).toBe('length');
  });

  it('ends a raw SSE stream with data: [DONE]', async () => {
    const response = await fetch(`${engine.baseUrl}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', max_tokens: 3, stream: true }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.slice(0, -1).every((event) => event.startsWith('data: {'))).toBe(true);
  });

  it('is reproducible with a seed and stops before a stop sequence', async () => {
    const request = { model: MODEL, prompt: 'seeded', max_tokens: 40, temperature: 1, seed: 42 };
    const first = await client.completions.create(request);
    const second = await client.completions.create(request);
    const text = first.choices[0]!.text;
    expect(second.choices[0]?.text).toBe(text);
    const stop = [...text].slice(1).find((character) => /[\x21-\x7e]/.test(character));
    expect(stop).toBeDefined();
    const stopped = await client.completions.create({ ...request, stop: [stop!] });
    expect(stopped.choices[0]?.text).toBe(text.slice(0, text.indexOf(stop!)));
    expect(stopped.choices[0]?.finish_reason).toBe('stop');
  });

  it('answers bad bodies with 400 in OpenAI error shape, naming the field', async () => {
    const badJson = await postJson(engine.baseUrl, '/v1/chat/completions', '{"messages": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('JSON') },
    });

    const noMessages = await postJson(engine.baseUrl, '/v1/chat/completions', { model: MODEL });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body).toMatchObject({ error: { param: 'messages', code: 'invalid_value' } });

    const hot = await postJson(engine.baseUrl, '/v1/completions', { prompt: 'x', temperature: 5 });
    expect(hot.status).toBe(400);
    expect(hot.body).toMatchObject({ error: { param: 'temperature' } });

    const tooLong = await postJson(engine.baseUrl, '/v1/completions', { prompt: 'x', max_tokens: 100_000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: { param: 'max_tokens', code: 'context_length_exceeded' } });

    const embeddings = await postJson(engine.baseUrl, '/v1/embeddings', { input: 'x' });
    expect(embeddings.status).toBe(400);
    expect(embeddings.body).toMatchObject({ error: { code: 'wrong_model_kind' } });

    const unknownModel = await postJson(engine.baseUrl, '/v1/completions', { model: 'gpt-4', prompt: 'x' });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });

    await expect(
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }],
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'messages.0.role' } });
  });

  it('aborts a generation when its client disconnects', async () => {
    const tokensBefore = await readMetric(engine.baseUrl, 'sage_engine_generation_tokens_total');
    const abortsBefore = await readMetric(
      engine.baseUrl,
      'sage_engine_request_success_total',
      'finished_reason="abort"',
    );
    const stream = await client.completions.create({
      model: MODEL,
      prompt: 'go on and on',
      max_tokens: LONG_GENERATION,
      stream: true,
    });
    let chunks = 0;
    for await (const _chunk of stream) {
      chunks += 1;
      if (chunks === 3) break; // leaving the loop aborts the HTTP request
    }
    await pollUntil(async () =>
      (await readMetric(engine.baseUrl, 'sage_engine_request_success_total', 'finished_reason="abort"')) ===
      abortsBefore + 1
        ? true
        : undefined,
    );
    expect(await running()).toBe(0);
    const generated =
      (await readMetric(engine.baseUrl, 'sage_engine_generation_tokens_total')) - tokensBefore;
    expect(generated).toBeGreaterThan(0);
    expect(generated).toBeLessThan(LONG_GENERATION);
  });

  it('queues requests beyond --parallel and answers 429 with Retry-After past --max-queue', async () => {
    const controllers = [new AbortController(), new AbortController()];
    const longRequest = (controller: AbortController) =>
      fetch(`${engine.baseUrl}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'long', max_tokens: LONG_GENERATION, stream: true }),
        signal: controller.signal,
      }).catch(() => undefined);
    const first = longRequest(controllers[0]!);
    await pollUntil(async () => ((await running()) === 1 ? true : undefined));
    const second = longRequest(controllers[1]!);
    await pollUntil(async () => ((await waiting()) === 1 ? true : undefined));

    const rejected = await postJson(engine.baseUrl, '/v1/completions', { prompt: 'x', max_tokens: 1 });
    expect(rejected.status).toBe(429);
    expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(rejected.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'queue_full' } });
    await expect(
      client.completions.create({ model: MODEL, prompt: 'x', max_tokens: 1 }),
    ).rejects.toMatchObject({
      status: 429,
    });

    for (const controller of controllers) controller.abort();
    await Promise.all([first, second]);
    await pollUntil(async () => ((await running()) === 0 && (await waiting()) === 0 ? true : undefined));
  });

  it('exports Prometheus metrics (sage_engine_*) with request counts', async () => {
    const text = await (await fetch(`${engine.baseUrl}/metrics`)).text();
    expect(text).toContain('# TYPE sage_engine_requests_running gauge');
    expect(text).toContain('# TYPE sage_engine_generation_tokens_total counter');
    expect(await readMetric(engine.baseUrl, 'sage_engine_prompt_tokens_total')).toBeGreaterThan(0);
    expect(await readMetric(engine.baseUrl, 'sage_engine_generation_tokens_total')).toBeGreaterThan(0);
    expect(
      await readMetric(
        engine.baseUrl,
        'sage_engine_http_requests_total',
        'endpoint="/v1/chat/completions",outcome="success"',
      ),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await readMetric(engine.baseUrl, 'sage_engine_http_requests_total', 'outcome="rejected"'),
    ).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(!promtoolAvailable)('passes `promtool check metrics`', async () => {
    const text = await (await fetch(`${engine.baseUrl}/metrics`)).text();
    const check = promtoolCheckMetrics(text);
    expect(check.output).toBe('');
    expect(check.ok).toBe(true);
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await engine.stop()).toEqual({ code: 0, signal: null });
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertEngineBuilt,
  type EngineProcess,
  postJson,
  readMetric,
  spawnEngine,
  temporarySageHome,
  waitUntilHealthy,
} from './engine-process.js';

const MODEL = 'sage/tiny-embed';

let engine: EngineProcess;
let healthStatuses: number[];
let client: OpenAI;
let removeHome: () => Promise<void>;

beforeAll(async () => {
  assertEngineBuilt();
  const home = await temporarySageHome();
  removeHome = home.remove;
  engine = await spawnEngine(['--model', MODEL, '--kind', 'embedding'], home.path);
  healthStatuses = await waitUntilHealthy(engine.baseUrl);
  client = new OpenAI({ baseURL: `${engine.baseUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await engine?.stop();
  await removeHome?.();
});

const norm = (vector: readonly number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

interface EmbeddingBody {
  data: Array<{ index: number; embedding: number[] | string }>;
  usage: { prompt_tokens: number; total_tokens: number };
}

describe('sage-engine with sage/tiny-embed', () => {
  it('answers /health 503 while the model loads, then 200', () => {
    expect(healthStatuses[0]).toBe(503);
    expect(healthStatuses.at(-1)).toBe(200);
  });

  it('embeds a list of inputs into unit-length vectors with real token usage', async () => {
    const response = await client.embeddings.create({ model: MODEL, input: ['hello', 'a longer sentence'] });
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    for (const item of response.data) {
      expect(item.embedding).toHaveLength(128);
      expect(norm(item.embedding)).toBeCloseTo(1, 5);
    }
    expect(response.data[0]?.embedding).not.toEqual(response.data[1]?.embedding);
    expect(response.usage.prompt_tokens).toBeGreaterThanOrEqual('hello'.length + 'a longer sentence'.length);
    expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
  });

  it('returns the same vector as float and as base64 little-endian float32', async () => {
    const asFloat = (
      await postJson(engine.baseUrl, '/v1/embeddings', { input: 'same text', encoding_format: 'float' })
    ).body as EmbeddingBody;
    const asBase64 = (
      await postJson(engine.baseUrl, '/v1/embeddings', { input: 'same text', encoding_format: 'base64' })
    ).body as EmbeddingBody;
    const floats = asFloat.data[0]!.embedding as number[];
    const bytes = Buffer.from(asBase64.data[0]!.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toHaveLength(floats.length);
    for (const [index, value] of decoded.entries()) expect(value).toBeCloseTo(floats[index]!, 6);
    expect(asBase64.usage).toEqual(asFloat.usage);
  });

  it('embeds token-id input and rejects ids outside the vocabulary', async () => {
    const ok = await postJson(engine.baseUrl, '/v1/embeddings', { input: [10, 20, 30] });
    expect(ok.status).toBe(200);
    const bad = await postJson(engine.baseUrl, '/v1/embeddings', { input: [10, 99_999] });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { param: 'input', type: 'invalid_request_error' } });
  });

  it('answers bad requests with 400 in OpenAI error shape', async () => {
    const empty = await postJson(engine.baseUrl, '/v1/embeddings', { input: ['ok', ''] });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: { param: 'input.1' } });

    const missing = await postJson(engine.baseUrl, '/v1/embeddings', { model: MODEL });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { param: 'input' } });

    const dimensions = await postJson(engine.baseUrl, '/v1/embeddings', { input: 'x', dimensions: 64 });
    expect(dimensions.status).toBe(400);
    expect(dimensions.body).toMatchObject({ error: { param: 'dimensions' } });

    const chat = await postJson(engine.baseUrl, '/v1/chat/completions', {
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(chat.status).toBe(400);
    expect(chat.body).toMatchObject({ error: { code: 'wrong_model_kind' } });
  });

  it('counts embedding prompt tokens and requests in /metrics', async () => {
    expect(await readMetric(engine.baseUrl, 'sage_engine_prompt_tokens_total')).toBeGreaterThan(0);
    expect(
      await readMetric(
        engine.baseUrl,
        'sage_engine_http_requests_total',
        'endpoint="/v1/embeddings",outcome="success"',
      ),
    ).toBeGreaterThanOrEqual(3);
    expect(await readMetric(engine.baseUrl, 'sage_engine_requests_running')).toBe(0);
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await engine.stop()).toEqual({ code: 0, signal: null });
  });
});

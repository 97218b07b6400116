import { createServer } from 'node:net';
import { SageApiError, SageConnectionError, SageTimeoutError, UnifiedInferenceClient } from '@sage/llm-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OpenAiTestServer } from './helpers/openai-test-server.js';

/** A port with nothing listening on it (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let server: OpenAiTestServer;
const clients: UnifiedInferenceClient[] = [];

async function connect(options: Parameters<typeof UnifiedInferenceClient.create>[0] = {}) {
  const client = await UnifiedInferenceClient.create({ controlPlaneUrl: server.url, ...options });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  vi.stubEnv('SAGE_CONTROL_PLANE_URL', '');
  vi.stubEnv('SAGE_API_KEY', '');
  server = await new OpenAiTestServer().listen();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
  vi.unstubAllEnvs();
});

describe('create() in remote mode', () => {
  it('connects to controlPlaneUrl after checking /health', async () => {
    const client = await connect();
    expect(client.mode).toBe('remote');
    expect(client.baseUrl).toBe(server.url);
    expect(server.requests.map((request) => request.url)).toEqual(['/health']);
  });

  it('uses SAGE_CONTROL_PLANE_URL when no URL is given', async () => {
    vi.stubEnv('SAGE_CONTROL_PLANE_URL', `http://127.0.0.1:${server.port}`);
    const client = await UnifiedInferenceClient.create();
    clients.push(client);
    expect(client.baseUrl).toBe(server.url);
    await client.models();
    expect(server.lastRequest('/v1/models')).toBeDefined();
  });

  it('falls back to http://127.0.0.1:8889/v1 and says how to start a gateway when nothing answers', async () => {
    // Either outcome of the default is checked: a gateway may really be running on 8889.
    try {
      const client = await UnifiedInferenceClient.create();
      clients.push(client);
      expect(client.baseUrl).toBe('http://127.0.0.1:8889/v1');
    } catch (error) {
      expect(SageConnectionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('http://127.0.0.1:8889/v1');
      expect((error as Error).message).toContain('sage gateway start');
    }
  });

  it('throws SageConnectionError with the hint when the URL refuses connections', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const failure = UnifiedInferenceClient.create({ controlPlaneUrl: url });
    await expect(failure).rejects.toSatisfy((error: unknown) => SageConnectionError.isInstance(error));
    await expect(failure).rejects.toThrow(/no control plane answers at .*ECONNREFUSED/);
    await expect(failure).rejects.toThrow(/sage gateway start/);
    await expect(failure).rejects.toThrow(/pnpm sage llm serve/);
    await expect(failure).rejects.toThrow(/embedded: true/);
  });
});

describe('requests in remote mode', () => {
  it('sends sampling options unchanged and omits model when none is set', async () => {
    const client = await connect();
    const answer = await client.chat([{ role: 'user', content: 'hi' }], {
      temperature: 0,
      maxTokens: 4,
      seed: 0,
    });
    expect(answer.choices[0]?.message.content).toBe('hello from the test server');
    expect(server.lastRequest('/v1/chat/completions')?.body).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      max_tokens: 4,
      seed: 0,
      stream: false,
    });
  });

  it('uses the default models and lets a call override them', async () => {
    const client = await connect({ defaultLlmModel: 'test/chat', defaultEmbeddingModel: 'test/embed' });
    await client.chat('x');
    expect(server.lastRequest('/v1/chat/completions')?.body?.model).toBe('test/chat');
    await client.generate('x', { model: 'other/llm' });
    expect(server.lastRequest('/v1/completions')?.body?.model).toBe('other/llm');
    await client.embed('x');
    expect(server.lastRequest('/v1/embeddings')?.body?.model).toBe('test/embed');
  });

  it('sends request id, priority, SLO deadline, scheduling policy and the API key as headers', async () => {
    const client = await connect({ schedulingPolicy: 'slo_aware', apiKey: 'secret-key' });
    await client.chat('x', { priority: 'high', sloDeadlineMs: 1500, requestId: 'my-request-1' });
    const headers = server.lastRequest('/v1/chat/completions')?.headers;
    expect(headers).toMatchObject({
      'x-request-id': 'my-request-1',
      'x-request-priority': 'high',
      'x-slo-deadline-ms': '1500',
      'x-scheduling-policy': 'slo_aware',
      authorization: 'Bearer secret-key',
    });
  });

  it('reads the API key from SAGE_API_KEY and sends no policy header unless one is set', async () => {
    vi.stubEnv('SAGE_API_KEY', 'from-env');
    const client = await connect();
    await client.models();
    const headers = server.lastRequest('/v1/models')?.headers ?? {};
    expect(headers.authorization).toBe('Bearer from-env');
    expect(headers['x-scheduling-policy']).toBeUndefined();
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams chat chunks to the end', async () => {
    const client = await connect();
    const pieces: string[] = [];
    for await (const chunk of client.chatStream('x', { includeUsage: true })) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(pieces.join('')).toBe('tok0 tok1 tok2 ');
    expect(server.lastRequest('/v1/chat/completions')?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('aborts the HTTP request when the loop is left mid-stream', async () => {
    server.behaviour = { chunks: 200, chunkDelayMs: 10 };
    const client = await connect();
    let received = 0;
    for await (const _chunk of client.chatStream('x')) {
      received += 1;
      if (received === 2) break;
    }
    await vi.waitFor(() => expect(server.abandonedStreams).toBe(1), { timeout: 2000 });
    expect(received).toBe(2);
  });

  it('generates text, plain and streamed', async () => {
    const client = await connect();
    const completion = await client.generate('Once upon a time', { maxTokens: 8 });
    expect(completion.choices[0]?.text).toBe('hello from the test server');
    const texts: string[] = [];
    for await (const chunk of client.generateStream('Once')) texts.push(chunk.choices[0]?.text ?? '');
    expect(texts.join('')).toBe('tok0 tok1 tok2 ');
  });

  it('returns embeddings in input order with usage', async () => {
    const client = await connect();
    const result = await client.embed(['a', 'bbb']);
    expect(result).toEqual({
      embeddings: [
        [1, 0, 0.5],
        [3, 1, 0.5],
      ],
      usage: { promptTokens: 2, totalTokens: 2 },
      model: 'test/chat',
    });
    expect((await client.embed('single')).embeddings).toHaveLength(1);
  });

  it('lists models with their kind and returns the status in camelCase', async () => {
    const client = await connect();
    expect((await client.models()).map((model) => [model.id, model.kind])).toEqual([
      ['test/chat', 'llm'],
      ['test/embed', 'embedding'],
    ]);
    const status = await client.status();
    expect(status.engines[0]).toMatchObject({ engineId: 'engine-1', modelId: 'test/chat', pid: 4242 });
    expect(status.engines[0]?.env).toEqual({ CUDA_VISIBLE_DEVICES: '' });
    expect(status).toMatchObject({
      schedulingPolicy: 'adaptive',
      queue: { depth: 0 },
      engineCounts: { RUNNING: 1 },
    });
  });
});

describe('errors in remote mode', () => {
  it('throws SageApiError with model_not_found and the request id for an unknown model', async () => {
    server.behaviour = { unknownModels: ['no/such-model'] };
    const client = await connect();
    const failure = client.chat('x', { model: 'no/such-model', requestId: 'trace-404' });
    await expect(failure).rejects.toSatisfy((error: unknown) => SageApiError.isInstance(error));
    await expect(failure).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      requestId: 'trace-404',
      source: 'gateway',
    });
    await expect(client.chatStream('x', { model: 'no/such-model' }).next()).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
  });

  it('throws SageTimeoutError when the server never answers', async () => {
    server.behaviour = { hang: true };
    const client = await connect({ timeoutMs: 300 });
    const started = Date.now();
    const failure = client.chat('x');
    await expect(failure).rejects.toSatisfy((error: unknown) => SageTimeoutError.isInstance(error));
    await expect(failure).rejects.toMatchObject({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(client.embed('x', { timeoutMs: 100 })).rejects.toMatchObject({
      name: 'SageTimeoutError',
      timeoutMs: 100,
    });
  });

  it('times a stream out when no event arrives within timeoutMs', async () => {
    server.behaviour = { chunks: 3, chunkDelayMs: 1000 };
    const client = await connect({ timeoutMs: 200 });
    const chunks: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of client.chatStream('x')) chunks.push(chunk);
      })(),
    ).rejects.toSatisfy((error: unknown) => SageTimeoutError.isInstance(error));
    expect(chunks).toHaveLength(1);
  });

  it('rejects with the caller signal reason when the call is aborted', async () => {
    server.behaviour = { hang: true };
    const client = await connect();
    const controller = new AbortController();
    const failure = client.chat('x', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(failure).rejects.toThrow('user cancelled');
  });

  it('retries a refused connection and succeeds once the control plane is back', async () => {
    const client = await connect();
    const port = server.port;
    await server.close();
    const restarted = new OpenAiTestServer();
    setTimeout(() => void restarted.listen(port), 150);
    try {
      const answer = await client.chat('x');
      expect(answer.object).toBe('chat.completion');
      expect(restarted.requests).toHaveLength(1);
    } finally {
      await restarted.close();
      server = await new OpenAiTestServer().listen();
    }
  });

  it('throws SageConnectionError after the retries when the control plane stays down', async () => {
    const client = await connect();
    await server.close();
    const started = Date.now();
    const failure = client.models();
    await expect(failure).rejects.toSatisfy((error: unknown) => SageConnectionError.isInstance(error));
    await expect(failure).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    server = await new OpenAiTestServer().listen();
  });
});

describe('close()', () => {
  it('is safe to call twice and makes later calls fail clearly', async () => {
    const client = await connect();
    await client.close();
    await client.close();
    await expect(client.models()).rejects.toThrow(/closed.*UnifiedInferenceClient\.create\(\)/);
  });
});

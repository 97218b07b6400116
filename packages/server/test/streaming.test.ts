import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../src/index.js';
import { startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway(8);
});

afterAll(async () => {
  await harness?.close();
});

function streamChat(model: string, signal?: AbortSignal, headers: Record<string, string> = {}) {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    ...(signal ? { signal } : {}),
  });
}

/** Requests the fake engine is serving now (its own /metrics). */
async function engineRunning(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/vllm:num_requests_running (\d+)/.exec(text)?.[1] ?? Number.NaN);
}

describe('streaming passthrough', () => {
  it('hands the first chunk to the client before the engine has finished', async () => {
    await harness.startEngine('fake/slow-stream', {
      extraArgs: ['--chunks', '4', '--chunk-delay-ms', '300'],
    });
    const started = performance.now();
    const response = await streamChat('fake/slow-stream');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let firstChunkAt = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (firstChunkAt === 0 && decoder.decode(value).includes('tok0')) firstChunkAt = performance.now();
      text += decoder.decode(value, { stream: true });
    }
    const finishedAt = performance.now();
    expect(text).toContain('data: [DONE]');
    expect(firstChunkAt - started).toBeLessThan(finishedAt - started - 600);
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sage_gateway_time_to_first_token_seconds_count\{[^}]*model="fake\/slow-stream"[^}]*\} 1/,
    );
  });

  it('aborts the upstream request and releases the engine slot when the client disconnects mid-stream', async () => {
    const engine = await harness.startEngine('fake/long-stream', {
      extraArgs: ['--chunks', '200', '--chunk-delay-ms', '50'],
    });
    const abort = new AbortController();
    const response = await streamChat('fake/long-stream', abort.signal);
    const reader = response.body!.getReader();
    await reader.read();
    expect(harness.gateway.manager.engineLoad(engine.engineId)).toBe(1);
    abort.abort();
    await waitFor(() => harness.gateway.manager.engineLoad(engine.engineId) === 0);
    await waitFor(async () => (await engineRunning(engine.port)) === 0);
  });

  it('aborts the engine call of a non-streamed request whose client disconnects, and releases its slot', async () => {
    const engine = await harness.startEngine('fake/slow-answer', { extraArgs: ['--latency-ms', '5000'] });
    const abort = new AbortController();
    const pending = fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/slow-answer', messages: [{ role: 'user', content: 'x' }] }),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    const controlPlane = harness.gateway.manager;
    await waitFor(() => controlPlane.engineLoad(engine.engineId) === 1);
    const abortedAt = performance.now();
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => controlPlane.engineLoad(engine.engineId) === 0);
    // Long before the engine would have answered: the gateway dropped the engine call.
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
  });

  it('drops a queued request whose client went away, without leaking a queue slot', async () => {
    const engine = await harness.startEngine('fake/busy', {
      maxConcurrentRequests: 1,
      extraArgs: ['--chunks', '5', '--chunk-delay-ms', '100'],
    });
    const controlPlane = harness.gateway.manager;
    const first = await streamChat('fake/busy');
    await waitFor(() => controlPlane.engineLoad(engine.engineId) === 1);
    const abort = new AbortController();
    const queued = streamChat('fake/busy', abort.signal).catch((error: unknown) => error);
    await waitFor(() => controlPlane.queueSnapshot().depth === 1);
    abort.abort();
    await waitFor(() => controlPlane.queueSnapshot().depth === 0);
    expect(await queued).toBeInstanceOf(Error);
    expect(await first.text()).toContain('[DONE]');
    await waitFor(() => controlPlane.engineLoad(engine.engineId) === 0);
    const after = await streamChat('fake/busy');
    expect(after.status).toBe(200);
    await after.text();
  });
});

describe('streaming passthrough behind a middleware that sets headers (CORS)', () => {
  it('sends the final headers with the stream, and the chunks as they come', async () => {
    const config = resolveGatewayConfig({}, undefined, { corsOrigins: ['https://app.example.com'] });
    const cors = await startTestGateway(13, { config });
    try {
      await cors.startEngine('fake/cors-stream', { extraArgs: ['--chunks', '3'] });
      const response = await fetch(`${cors.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'https://app.example.com',
          'x-request-id': 'cors-stream-1',
        },
        body: JSON.stringify({
          model: 'fake/cors-stream',
          stream: true,
          messages: [{ role: 'user', content: 'x' }],
        }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(response.headers.get('x-request-id')).toBe('cors-stream-1');
      expect(response.headers.get('x-sage-engine-id')).toBeTruthy();
      const text = await response.text();
      expect(text).toContain('tok0');
      expect(text).toContain('data: [DONE]');
    } finally {
      await cors.close();
    }
  });
});

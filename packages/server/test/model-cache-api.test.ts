import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type FakeHub, startFakeHub } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonBody, startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';

// The management API's model cache against a hub-shaped HTTP server, then an engine started for
// an hf: reference that is not cached: DOWNLOADING, RUNNING, and a chat through the gateway.
const REPO = 'sage-test/tiny-chat-GGUF';
const FILE = 'tiny-chat-Q8_0.gguf';
const REF = `hf:${REPO}/${FILE}`;

/** The bundled tiny chat model's bytes, from the built engine in a child process (never imported). */
function tinyChatGguf(): Buffer {
  const engineIndex = fileURLToPath(new URL('../../engine/dist/index.js', import.meta.url));
  const script = `const e = await import(${JSON.stringify(`file://${engineIndex}`)}); process.stdout.write(e.tinyModelBytes(e.findTinyModel('sage/tiny-chat')));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

let hub: FakeHub;
let harness: TestGateway;
let gguf: Buffer;

beforeAll(async () => {
  gguf = tinyChatGguf();
  hub = await startFakeHub({
    repos: { [REPO]: { [FILE]: gguf }, 'sage-test/gated-GGUF': { 'g-Q4_K_M.gguf': gguf } },
    gated: ['sage-test/gated-GGUF'],
    token: 'hf_secret',
    plainFiles: { 'plain.gguf': gguf },
  });
  harness = await startTestGateway(21, {
    managerOptions: {
      models: { hubEndpoint: hub.endpoint, retryDelayMs: 10, progressIntervalMs: 0 },
      // A real llama.cpp load of the tiny model: slow on a busy 2-core machine.
      startupTimeoutMs: 60_000,
    },
  });
});

afterAll(async () => {
  await harness?.close();
  await hub?.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${harness.url}/v1/management${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...harness.managementHeaders, ...headers },
    body: JSON.stringify(body),
  });
}

async function ndjson(response: Response): Promise<JsonBody[]> {
  return (await response.text())
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('model cache management API', () => {
  it('pulls with NDJSON progress, lists the cache and deletes an entry by id', async () => {
    const response = await post('/models/pull', { ref: `hf:${REPO}`, quant: 'Q8_0' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const events = await ndjson(response);
    expect(events[0]).toMatchObject({
      type: 'resolved',
      file_name: FILE,
      total_bytes: gguf.length,
      cached: false,
    });
    expect(events.some((event) => event.type === 'progress' && event.downloaded_bytes > 0)).toBe(true);
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: 'done',
      model: { ref: `${REF}#main`, size_bytes: gguf.length, verified: true },
    });
    expect(done?.model.sha256).toBe(createHash('sha256').update(gguf).digest('hex'));

    const list = await fetch(`${harness.url}/v1/management/models/cache`, {
      headers: harness.managementHeaders,
    });
    expect(
      ((await list.json()) as { models: Array<{ id: string }> }).models.map((model) => model.id),
    ).toEqual([done?.model.id]);
    const remove = (id: string) =>
      fetch(`${harness.url}/v1/management/models/cache/${id}`, {
        method: 'DELETE',
        headers: harness.managementHeaders,
      });
    const removed = await remove(done?.model.id);
    expect(removed.status).toBe(200);
    expect((await remove(done?.model.id)).status).toBe(404);
    expect((await remove('..%2F..%2Fregistry.json')).status).toBe(404);
  });

  it('answers a bad, missing or gated reference with its status before streaming', async () => {
    for (const ref of [
      '../../etc/passwd',
      '/etc/passwd',
      'hf:o/../x.gguf',
      'hf:o/r/../../x.gguf',
      'file:///etc/passwd',
    ]) {
      const response = await post('/models/pull', { ref });
      expect(response.status, ref).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toMatch(/ref/);
    }
    const missing = await post('/models/pull', { ref: `hf:${REPO}/nope.gguf` });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('model_file_not_found');
    const gated = await post('/models/pull', { ref: 'hf:sage-test/gated-GGUF:Q4_K_M' });
    expect(gated.status).toBe(403);
    const body = (await gated.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'hub_unauthorized' });
    expect(body.error.message).toMatch(/HF_TOKEN/);
    const unauthenticated = await fetch(`${harness.url}/v1/management/models/pull`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ref: REF }),
    });
    expect(unauthenticated.status).toBe(401);
  });

  it('ends the stream with an error event when the hash does not match, and streams SSE on request', async () => {
    const url = `${hub.endpoint}/files/plain.gguf`;
    const mismatch = await ndjson(await post('/models/pull', { ref: url, sha256: 'b'.repeat(64) }));
    expect(mismatch.at(-1)).toMatchObject({ type: 'error', error: { code: 'model_hash_mismatch' } });
    const sse = await post('/models/pull', { ref: url }, { accept: 'text/event-stream' });
    expect(sse.headers.get('content-type')).toBe('text/event-stream');
    const text = await sse.text();
    expect(text).toMatch(/^data: \{"type":"resolved"/);
    expect(text).toMatch(/data: \{"type":"done".*\n\ndata: \[DONE\]\n\n$/s);
  });

  it('starts an engine for an uncached hf: reference: DOWNLOADING, then RUNNING, and serves a chat through the gateway', async () => {
    const started = await post('/engines', { model_id: REF, use_gpu: false });
    expect(started.status).toBe(201);
    const engine = (await started.json()) as { engine_id: string; status: string; download: unknown };
    expect(engine.status).toBe('DOWNLOADING');
    expect(engine.download).toMatchObject({ downloaded_bytes: expect.any(Number) });
    await waitFor(
      () => ['RUNNING', 'FAILED'].includes(harness.gateway.manager.getEngine(engine.engine_id).status),
      90_000,
    );
    const settled = harness.gateway.manager.getEngine(engine.engine_id);
    expect(settled.status, settled.lastError ?? '').toBe('RUNNING');
    const chat = await harness.client.chat.completions.create({
      model: REF,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 4,
    });
    expect(chat.choices[0]?.message.role).toBe('assistant');
  }, 120_000);
});

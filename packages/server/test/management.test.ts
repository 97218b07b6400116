import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig, schedulingPolicyNames } from '../src/index.js';
import { readJson, startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway(9);
});

afterAll(async () => {
  await harness?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${harness.url}/v1/management${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...harness.managementHeaders },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

const fake = (model: string, extra: Record<string, unknown> = {}) => ({
  model_id: model,
  backend: 'fake',
  use_gpu: false,
  ...extra,
});

describe('management API', () => {
  it('starts an engine (201), waits for it with ?wait=true, lists and gets it', async () => {
    const started = await call('POST', '/engines', fake('fake/m1'));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ model_id: 'fake/m1', status: 'STARTING', backend: 'fake' });
    const waited = await call('POST', '/engines?wait=true', fake('fake/m2', { engine_label: 'two' }));
    expect(waited.status).toBe(201);
    expect(waited.body).toMatchObject({ status: 'RUNNING', engine_label: 'two', device: 'cpu' });
    const list = await call('GET', '/engines');
    expect(list.body.engines.map((engine: { model_id: string }) => engine.model_id)).toEqual(
      expect.arrayContaining(['fake/m1', 'fake/m2']),
    );
    const one = await call('GET', `/engines/${waited.body.engine_id}`);
    expect(one.body.engine_id).toBe(waited.body.engine_id);
  });

  it('answers unknown engines with 404 on GET, DELETE, restart and logs', async () => {
    for (const [method, path] of [
      ['GET', '/engines/engine-nope'],
      ['DELETE', '/engines/engine-nope'],
      ['POST', '/engines/engine-nope/restart'],
      ['GET', '/engines/engine-nope/logs'],
    ] as const) {
      const response = await call(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error.code).toBe('engine_not_found');
      expect(response.headers.get('x-sage-error-source')).toBe('gateway');
    }
  });

  it('rejects invalid bodies and queries with 400 naming the field', async () => {
    const wrongType = await call('POST', '/engines', { model_id: 5 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.param).toBe('model_id');
    const wrongKind = await call('POST', '/engines', fake('x', { engine_kind: 'vision' }));
    expect(wrongKind.body.error.param).toBe('engine_kind');
    const malformed = await call('POST', '/engines', '{"model_id": ');
    expect(malformed.status).toBe(400);
    const badQuery = await call('DELETE', '/engines/engine-nope?drain=maybe');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.param).toBe('drain');
    const unknownBackend = await call('POST', '/engines', { model_id: 'x', backend: 'teleport' });
    expect(unknownBackend.status).toBe(400);
    expect(unknownBackend.body.error.message).toMatch(/available: .*fake/);
  });

  it('answers resource conflicts with 409', async () => {
    const noMemory = await call(
      'POST',
      '/engines',
      fake('fake/huge', { use_gpu: true, required_memory_gb: 500 }),
    );
    expect(noMemory.status).toBe(409);
    expect(noMemory.body.error.code).toBe('insufficient_gpu_memory');
    const noProgram = await call('POST', '/engines', {
      model_id: 'Qwen/Qwen2.5-0.5B-Instruct',
      backend: 'vllm',
    });
    expect(noProgram.status).toBe(409);
    expect(noProgram.body.error.code).toBe('backend_unavailable');

    const busy = await call(
      'POST',
      '/engines?wait=true',
      fake('fake/draining', { extra_args: ['--latency-ms', '600'] }),
    );
    const inFlight = fetch(`${harness.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/draining', prompt: 'x' }),
    });
    const { manager } = harness.gateway;
    await waitFor(() => manager.engineLoad(busy.body.engine_id) === 1);
    const draining = call('DELETE', `/engines/${busy.body.engine_id}?drain=true`);
    await waitFor(() => manager.getEngine(busy.body.engine_id).status === 'DRAINING');
    const restart = await call('POST', `/engines/${busy.body.engine_id}/restart`);
    expect(restart.status).toBe(409);
    expect(restart.body.error.code).toBe('invalid_state_transition');
    expect((await inFlight).status).toBe(200);
    expect((await draining).body.status).toBe('STOPPED');
  });

  it('applies use_gpu over REST in GPU mock mode', async () => {
    const embedDefault = await call('POST', '/engines', {
      model_id: 'fake/e1',
      backend: 'fake',
      engine_kind: 'embedding',
    });
    expect(embedDefault.body).toMatchObject({ gpu_ids: [], device: 'cpu' });
    const embedGpu = await call('POST', '/engines', {
      model_id: 'fake/e2',
      backend: 'fake',
      engine_kind: 'embedding',
      use_gpu: true,
      required_memory_gb: 2,
    });
    expect(embedGpu.body).toMatchObject({ device: 'cuda' });
    expect(embedGpu.body.gpu_ids).toHaveLength(1);
    expect(embedGpu.body.env.CUDA_VISIBLE_DEVICES).toBe(String(embedGpu.body.gpu_ids[0]));
    const llmDefault = await call('POST', '/engines', {
      model_id: 'fake/l1',
      backend: 'fake',
      required_memory_gb: 2,
    });
    expect(llmDefault.body.gpu_ids).toHaveLength(1);
    const gpu = await call('GET', '/gpu');
    expect(gpu.body.mock).toBe(true);
    expect(gpu.body.gpus).toHaveLength(2);
    const reserved = gpu.body.gpus.reduce(
      (sum: number, item: { memory_reserved_gb: number }) => sum + item.memory_reserved_gb,
      0,
    );
    expect(reserved).toBeGreaterThanOrEqual(4);
    for (const engine of [embedDefault, embedGpu, llmDefault]) {
      expect((await call('DELETE', `/engines/${engine.body.engine_id}`)).body.status).toBe('STOPPED');
    }
  });

  it('restarts an engine in place, returns log tails, and follows a log as SSE', async () => {
    const engine = (await call('POST', '/engines?wait=true', fake('fake/logs'))).body;
    const restarted = await call('POST', `/engines/${engine.engine_id}/restart`);
    expect(restarted.status).toBe(200);
    expect(restarted.body.engine_id).toBe(engine.engine_id);
    await harness.gateway.manager.waitForEngine(engine.engine_id, { timeoutMs: 10_000 });
    const tail = await call('GET', `/engines/${engine.engine_id}/logs?tail=50`);
    expect(tail.body.engine_id).toBe(engine.engine_id);
    expect(tail.body.lines.some((line: string) => line.includes('listening on'))).toBe(true);
    const badTail = await call('GET', `/engines/${engine.engine_id}/logs?tail=-1`);
    expect(badTail.body.error.param).toBe('tail');

    const abort = new AbortController();
    const follow = await fetch(
      `${harness.url}/v1/management/engines/${engine.engine_id}/logs?follow=true&tail=1`,
      {
        headers: harness.managementHeaders,
        signal: abort.signal,
      },
    );
    expect(follow.headers.get('content-type')).toBe('text/event-stream');
    const reader = follow.body!.getReader();
    const decoder = new TextDecoder();
    let events = '';
    events += decoder.decode((await reader.read()).value);
    expect(events).toMatch(/^data: \{"line":".*"\}\n\n/);
    const stopping = call('DELETE', `/engines/${engine.engine_id}`);
    while (!events.includes('got SIGTERM')) events += decoder.decode((await reader.read()).value);
    await reader.cancel();
    abort.abort();
    expect((await stopping).body.status).toBe('STOPPED');
  });

  it('reports cluster status, switches the policy, and prunes stopped engines', async () => {
    const policy = await call('PUT', '/policy', { policy: 'fifo' });
    expect(policy.body).toEqual({ policy: 'fifo' });
    const unknown = await call('PUT', '/policy', { policy: 'fastest' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(`available: ${schedulingPolicyNames.join(', ')}`);
    const status = await call('GET', '/status');
    expect(status.body).toMatchObject({ scheduling_policy: 'fifo', queue: { depth: 0, capacity: 1024 } });
    expect(status.body.engine_counts.STOPPED).toBeGreaterThan(0);
    expect(status.body.gpus).toHaveLength(2);
    const pruned = await call('POST', '/engines/prune');
    expect(pruned.body.removed.length).toBe(
      status.body.engine_counts.STOPPED + (status.body.engine_counts.FAILED ?? 0),
    );
    const after = await call('GET', '/status');
    expect(after.body.engine_counts.STOPPED).toBeUndefined();
  });

  it('applies a preset, reuses its engines the second time, and rolls back on failure', async () => {
    const preset = {
      version: 1,
      name: 'pair',
      engines: [
        { name: 'chat', model: 'fake/p-chat', backend: 'fake', use_gpu: false },
        { name: 'embed', model: 'fake/p-embed', kind: 'embedding', backend: 'fake' },
      ],
    };
    const applied = await call('POST', '/presets/apply', { preset });
    expect(applied.status).toBe(200);
    expect(applied.body.preset).toBe('pair');
    expect(applied.body.engines.map((engine: { status: string }) => engine.status)).toEqual([
      'RUNNING',
      'RUNNING',
    ]);
    const again = await call('POST', '/presets/apply', { preset });
    expect(again.body.engines.map((engine: { engine_id: string }) => engine.engine_id)).toEqual(
      applied.body.engines.map((engine: { engine_id: string }) => engine.engine_id),
    );

    const broken = {
      version: 1,
      name: 'broken',
      engines: [
        { name: 'good', model: 'fake/b-good', backend: 'fake', use_gpu: false },
        {
          name: 'bad',
          model: 'fake/b-bad',
          backend: 'fake',
          use_gpu: false,
          extra_args: ['--exit-at-start', '78'],
        },
      ],
    };
    const failed = await call('POST', '/presets/apply', { preset: broken, timeout_ms: 10_000 });
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toMatch(/engine 'bad' \(model fake\/b-bad\)/);
    const engines = (await call('GET', '/engines')).body.engines as Array<{
      model_id: string;
      status: string;
    }>;
    expect(engines.find((engine) => engine.model_id === 'fake/b-good')?.status).toBe('STOPPED');

    const kept = await call('POST', '/presets/apply', {
      preset: broken,
      rollback: false,
      timeout_ms: 10_000,
    });
    expect(kept.status).toBe(502);
    // Not rolled back: the good engine stays and comes up (it may still be STARTING when the bad one failed).
    const good = () =>
      harness.gateway.manager
        .listEngines()
        .filter((engine) => engine.modelId === 'fake/b-good' && engine.status !== 'STOPPED');
    expect(good()).toHaveLength(1);
    await waitFor(() => good()[0]?.status === 'RUNNING');

    const invalid = await call('POST', '/presets/apply', {
      preset: { version: 1, name: 'x', engines: [{ name: 'a' }] },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.param).toBe('preset.engines.0.model');
    const unknownName = await call('POST', '/presets/apply', { name: 'nope' });
    expect(unknownName.status).toBe(400);
    expect(unknownName.body.error.code).toBe('unknown_preset');
  });
});

describe('API keys', () => {
  it('needs a key on /v1 routes and an admin key on management routes; probes stay open', async () => {
    const secured = await startTestGateway(10, {
      config: resolveGatewayConfig({}, undefined, {
        apiKeys: [
          { key: 'sk-admin-key-0001', admin: true },
          { key: 'sk-user-key-00001', admin: false },
        ],
      }),
    });
    try {
      const get = (path: string, key?: string) =>
        fetch(`${secured.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      expect((await get('/v1/models')).status).toBe(401);
      expect((await get('/v1/models', 'sk-wrong-key-0000')).status).toBe(401);
      expect((await get('/v1/models', 'sk-user-key-00001')).status).toBe(200);
      const forbidden = await get('/v1/management/engines', 'sk-user-key-00001');
      expect(forbidden.status).toBe(403);
      expect((await readJson(forbidden)).error.code).toBe('insufficient_permissions');
      expect((await get('/v1/management/engines', 'sk-admin-key-0001')).status).toBe(200);
      // Probes answer without a key: /health with its verdict (no engine here: 503), /live 200.
      expect((await get('/health')).status).toBe(503);
      expect((await get('/live')).status).toBe(200);
      expect((await get('/metrics')).status).toBe(200);
    } finally {
      await secured.close();
    }
  });
});

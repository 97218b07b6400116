import { describe, expect, it } from 'vitest';
import { addEngineRecord, createTestManager } from './__fixtures__/test-manager.js';
import { createGateway, gatewayAdminToken } from './create-gateway.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';

const chatBody = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
const json = { 'content-type': 'application/json' };

describe('createGateway', () => {
  it('answers /live always, /health and /ready by the engines that are RUNNING, listing engine states', async () => {
    const manager = createTestManager();
    const app = createGateway({ manager });
    expect((await app.request('/live')).status).toBe(200);
    const unavailable = await app.request('/health');
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      status: 'unavailable',
      engines_running: 0,
      engines_total: 0,
      engines: {},
    });
    const notReady = await app.request('/ready');
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, engines: {} });
    addEngineRecord(manager, { engineId: 'engine-a', modelId: 'm', status: 'STARTING' });
    addEngineRecord(manager, { engineId: 'engine-b', modelId: 'm', status: 'RUNNING' });
    const ready = await app.request('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      engines: { 'engine-a': 'STARTING', 'engine-b': 'RUNNING' },
    });
    const degraded = await app.request('/health');
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({ status: 'degraded', engines_running: 1, engines_total: 2 });
  });

  it('lists one model per id of RUNNING engines, with its kind', async () => {
    const manager = createTestManager();
    addEngineRecord(manager, { engineId: 'engine-a', modelId: 'm', status: 'RUNNING' });
    addEngineRecord(manager, { engineId: 'engine-b', modelId: 'm', status: 'RUNNING' });
    addEngineRecord(manager, { engineId: 'engine-c', modelId: 'e', kind: 'embedding', status: 'RUNNING' });
    addEngineRecord(manager, { engineId: 'engine-d', modelId: 'starting', status: 'STARTING' });
    const body = await (await createGateway({ manager }).request('/v1/models')).json();
    expect(body).toEqual({
      object: 'list',
      data: [
        { id: 'm', object: 'model', created: 1767225600, owned_by: 'sage', kind: 'llm' },
        { id: 'e', object: 'model', created: 1767225600, owned_by: 'sage', kind: 'embedding' },
      ],
    });
  });

  it('echoes a usable X-Request-ID on every response, errors included, and makes one otherwise', async () => {
    const app = createGateway({ manager: createTestManager() });
    const given = await app.request('/nope', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.status).toBe(404);
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await app.request('/health', { headers: { 'x-request-id': 'has spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 413 over the body limit, in OpenAI shape', async () => {
    const app = createGateway({ manager: createTestManager(), config: { bodyLimitBytes: 64 } });
    const response = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { ...json, 'content-length': '65' },
      body: 'x'.repeat(65),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'request_too_large' } });
  });

  it('sends no CORS headers by default, and the configured ones when asked', async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: { origin: 'https://app.test', 'access-control-request-method': 'POST' },
    };
    const closed = await createGateway({ manager: createTestManager() }).request('/v1/models', preflight);
    expect(closed.headers.get('access-control-allow-origin')).toBeNull();
    const open = createGateway({
      manager: createTestManager(),
      config: { corsOrigins: ['https://app.test'] },
    });
    const allowed = await open.request('/v1/models', preflight);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.test');
    const other = await open.request('/v1/models', { headers: { origin: 'https://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs API keys on /v1 when configured, and an admin key for management', async () => {
    const app = createGateway({
      manager: createTestManager(),
      config: {
        apiKeys: [
          { key: 'sk-admin-000', admin: true },
          { key: 'sk-user-0000', admin: false },
        ],
      },
    });
    const as = (key?: string) => (key ? { headers: { authorization: `Bearer ${key}` } } : {});
    expect((await app.request('/v1/models', as())).status).toBe(401);
    expect((await app.request('/v1/models', as('sk-user-0000'))).status).toBe(200);
    expect((await app.request('/v1/management/engines', as('sk-user-0000'))).status).toBe(403);
    expect((await app.request('/v1/management/engines', as('sk-admin-000'))).status).toBe(200);
    // The local admin token is an admin key too.
    expect((await app.request('/v1/management/engines', as(gatewayAdminToken(app)))).status).toBe(200);
    expect((await app.request('/ready', as())).status).toBe(503);
  });

  it('takes the key from x-api-key too, and answers 401 in the shape of the route API', async () => {
    const app = createGateway({
      manager: createTestManager(),
      config: { apiKeys: [{ key: 'sk-admin-000', admin: true }] },
    });
    const send = (path: string, headers: Record<string, string>, body?: string) =>
      app.request(path, body ? { method: 'POST', headers: { ...json, ...headers }, body } : { headers });
    expect((await send('/v1/models', { 'x-api-key': 'sk-admin-000' })).status).toBe(200);
    expect((await send('/v1/management/engines', { 'x-api-key': 'sk-admin-000' })).status).toBe(200);
    // Authorization, when sent, decides alone: a wrong bearer key is not rescued by x-api-key.
    const both = await send('/v1/models', { authorization: 'Bearer sk-wrong', 'x-api-key': 'sk-admin-000' });
    expect(both.status).toBe(401);
    const openAi = await send('/v1/models', { 'x-api-key': 'sk-wrong' });
    expect(openAi.status).toBe(401);
    expect(openAi.headers.get('x-sage-error-source')).toBe('gateway');
    expect(await openAi.json()).toEqual({
      error: {
        message: expect.stringContaining('x-api-key'),
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        param: null,
      },
    });
    const messagesBody = JSON.stringify({
      model: 'm',
      max_tokens: 4,
      messages: [{ role: 'user', content: 'x' }],
    });
    const anthropic = await send('/v1/messages', { 'x-api-key': 'sk-wrong' }, messagesBody);
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toEqual({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: expect.stringContaining('API key'),
        code: 'invalid_api_key',
        param: null,
      },
    });
    // Past auth, the route's own errors keep their API's shape (no engine serves 'm': 404).
    const unknown = await send('/v1/messages', { 'x-api-key': 'sk-admin-000' }, messagesBody);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('without API keys, needs the local admin token on management routes only', async () => {
    const open = createGateway({ manager: createTestManager(), adminToken: 'sage-local-test-token' });
    expect(gatewayAdminToken(open)).toBe('sage-local-test-token');
    const refused = await open.request('/v1/management/engines');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('admin-token');
    const auth = { headers: { authorization: 'Bearer sage-local-test-token' } };
    expect((await open.request('/v1/management/engines', auth)).status).toBe(200);
    expect((await open.request('/v1/models')).status).toBe(200);
    // A gateway made without a token gets a random one; null means none at all.
    expect(gatewayAdminToken(createGateway({ manager: createTestManager() }))).toMatch(/^sage-local-/);
    const none = createGateway({ manager: createTestManager(), adminToken: null });
    expect((await none.request('/v1/management/engines')).status).toBe(200);
  });

  it('answers an unexpected failure with 500 and the request id, and keeps serving', async () => {
    const manager = createTestManager();
    const app = createGateway({ manager });
    manager.listEngines = () => {
      throw new Error('registry exploded');
    };
    const failed = await app.request('/v1/models', { headers: { 'x-request-id': 'req-500' } });
    expect(failed.status).toBe(500);
    const body = (await failed.json()) as { error: { message: string } };
    expect(body.error).toMatchObject({ type: 'server_error', code: 'internal_error' });
    expect(body.error.message).toContain('req-500');
    expect(body.error.message).not.toContain('exploded');
    expect((await app.request('/live')).status).toBe(200);
  });

  it('keeps metrics per gateway, in its own registry', async () => {
    const first = new GatewayMetrics();
    const second = new GatewayMetrics();
    const manager = createTestManager();
    const app = createGateway({ manager, metrics: first });
    createGateway({ manager, metrics: second });
    await app.request('/v1/chat/completions', { method: 'POST', headers: json, body: chatBody });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain(
      'sage_gateway_requests_total{route="/v1/chat/completions",model="",engine_id="",status="404"} 1',
    );
    for (const name of [
      'sage_scheduler_queue_depth 0',
      'sage_scheduler_queue_capacity 1024',
      'sage_gpu_memory_total_bytes{gpu="0"',
      'sage_gateway_overhead_seconds',
      'sage_gateway_time_to_first_token_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(await second.registry.metrics()).not.toContain('status="404"} 1');
  });
});

import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SageApiError, SageConnectionError } from '../errors.js';
import { createManagementClient, type ManagementClient } from './management-client.js';

const origin = 'http://127.0.0.1:8889';

describe('createManagementClient', () => {
  let agent: MockAgent;
  let client: ManagementClient;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    client = createManagementClient({
      controlPlaneUrl: `${origin}/v1`,
      apiKey: 'secret-key',
      dispatcher: agent,
    });
  });

  afterEach(async () => {
    await client.close();
    await agent.close();
  });

  it('sends snake_case bodies to /v1/management with the API key, and returns the JSON', async () => {
    let sentBody: unknown;
    let authorization: unknown;
    agent
      .get(origin)
      .intercept({ path: '/v1/management/engines', method: 'POST' })
      .reply(201, (options) => {
        sentBody = JSON.parse(String(options.body));
        authorization = (options.headers as Record<string, string>).authorization;
        return { engine_id: 'engine-1', model_id: 'BAAI/bge-m3', status: 'STARTING' };
      });
    const engine = await client.startEngine({
      model_id: 'BAAI/bge-m3',
      engine_kind: 'embedding',
      use_gpu: true,
    });
    expect(sentBody).toEqual({ model_id: 'BAAI/bge-m3', engine_kind: 'embedding', use_gpu: true });
    expect(authorization).toBe('Bearer secret-key');
    expect(engine.status).toBe('STARTING');
  });

  it('puts query flags in the URL and encodes engine ids', async () => {
    agent
      .get(origin)
      .intercept({ path: '/v1/management/engines/a%20b?drain=true', method: 'DELETE' })
      .reply(200, {});
    agent
      .get(origin)
      .intercept({ path: '/v1/management/engines/e-1/logs?tail=5', method: 'GET' })
      .reply(200, {
        engine_id: 'e-1',
        lines: ['x'],
      });
    agent.get(origin).intercept({ path: '/health', method: 'GET' }).reply(200, { status: 'ok' });
    await client.stopEngine('a b', { drain: true });
    expect(await client.engineLogs('e-1', { tail: 5 })).toEqual({ engine_id: 'e-1', lines: ['x'] });
    expect(await client.health()).toEqual({ status: 'ok' });
  });

  it('answers health 503 (no engine RUNNING) as a body, and asks a key function at every request', async () => {
    let key: string | undefined;
    const keyed = createManagementClient({ controlPlaneUrl: origin, apiKey: () => key, dispatcher: agent });
    const seen: unknown[] = [];
    agent
      .get(origin)
      .intercept({ path: '/v1/management/gpu', method: 'GET' })
      .reply(200, (options) => {
        seen.push((options.headers as Record<string, string>).authorization);
        return { gpus: [] };
      })
      .times(2);
    agent.get(origin).intercept({ path: '/health', method: 'GET' }).reply(503, { status: 'unavailable' });
    expect(keyed.apiBase).toBe(`${origin}/v1`);
    await keyed.gpus();
    key = 'sage-local-token';
    await keyed.gpus();
    expect(seen).toEqual([undefined, 'Bearer sage-local-token']);
    expect(await keyed.health()).toEqual({ status: 'unavailable' });
  });

  it('turns an OpenAI-shaped error body into a SageApiError with status, code and request id', async () => {
    agent
      .get(origin)
      .intercept({ path: '/v1/management/engines/nope', method: 'GET' })
      .reply(404, {
        error: {
          message: "no engine 'nope'",
          type: 'invalid_request_error',
          param: null,
          code: 'engine_not_found',
        },
      });
    const error = await client.getEngine('nope').catch((caught: unknown) => caught);
    expect(SageApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, code: 'engine_not_found', param: null });
    expect((error as SageApiError).message).toMatch(
      /^no engine 'nope' \(HTTP 404, engine_not_found, request [0-9a-f-]{36}\)$/,
    );
  });

  it('keeps a plain-text error body as the message', async () => {
    agent.get(origin).intercept({ path: '/v1/management/status', method: 'GET' }).reply(502, 'Bad Gateway');
    await expect(client.status()).rejects.toMatchObject({
      status: 502,
      message: expect.stringMatching(/^Bad Gateway \(HTTP 502/),
    });
  });

  it('reports a refused connection as SageConnectionError naming the API base', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8889'), { code: 'ECONNREFUSED' });
    agent.get(origin).intercept({ path: '/v1/management/engines', method: 'GET' }).replyWithError(refused);
    const error = await client.listEngines().catch((caught: unknown) => caught);
    expect(SageConnectionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ url: 'http://127.0.0.1:8889/v1', code: 'ECONNREFUSED' });
    expect((error as Error).message).toContain('sage gateway start');
  });

  it('reads followed log lines from server-sent events', async () => {
    agent
      .get(origin)
      .intercept({ path: '/v1/management/engines/e-1/logs?tail=2&follow=true', method: 'GET' })
      .reply(200, 'data: {"line":"one"}\n\ndata: {"line":"two"}\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      });
    const lines: string[] = [];
    for await (const line of client.followEngineLogs('e-1', { tail: 2 })) lines.push(line);
    expect(lines).toEqual(['one', 'two']);
  });
});

import { HEADERS } from '@sage/protocol';
import { defaultGatewayConfig } from '@sage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, type ReliabilityGateway, startReliabilityGateway } from './support/reliability-gateway.js';

// Issue 12, item 3: a 40 KB deeply nested body (with an engine label as `model`, or without
// `model`) overflowed the stack in the gateway's re-serialisation of the body, and that was
// counted as an engine connection failure: three such requests marked the engine UNHEALTHY.

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A valid chat request with one deeply nested extra field; `model` omitted when undefined. */
function deepChatBody(depth: number, model: string | undefined): string {
  const modelField = model === undefined ? '' : `"model":${JSON.stringify(model)},`;
  return `{${modelField}"messages":[{"role":"user","content":"hi"}],"extra":${nested(depth)}}`;
}

async function postRaw(url: string, body: string) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const json = (await response.json()) as { error?: { message?: string; code?: string | null } };
  return { status: response.status, source: response.headers.get(HEADERS.errorSource), json };
}

async function failoverCount(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('sage_gateway_failovers_total{'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('deeply nested request bodies', () => {
  let gateway: ReliabilityGateway;
  let engineId: string;
  beforeAll(async () => {
    gateway = await startReliabilityGateway(18);
    engineId = (await gateway.startEngine('fake/chat', { engineLabel: 'chat-label' })).engineId;
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each([
    ['without model', undefined],
    ['with an engine label as model', 'chat-label'],
  ])('a 40 KB nested body %s is a 400 naming the depth limit; the engine stays RUNNING', async (_, model) => {
    const body = deepChatBody(20_000, model);
    expect(body.length).toBeGreaterThan(40_000);
    for (let index = 0; index < 5; index += 1) {
      const answer = await postRaw(gateway.url, body);
      expect(answer.status).toBe(400);
      expect(answer.source).toBe('gateway');
      expect(answer.json.error?.message).toMatch(/deeper than 64 levels \(limits\.max_json_depth\)/);
    }
    expect(gateway.gateway.manager.getEngine(engineId).status).toBe('RUNNING');
    expect(await failoverCount(gateway.url)).toBe(0);
    const normal = await postJson(`${gateway.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(normal.status).toBe(200);
  });

  it('a body nested exactly to the limit is forwarded', async () => {
    // 64 levels: the body object, `extra`, and 62 arrays inside it.
    const answer = await postRaw(gateway.url, deepChatBody(62, 'chat-label'));
    expect(answer.status).toBe(200);
  });
});

describe('a request the gateway cannot build for the engine', () => {
  let gateway: ReliabilityGateway;
  let engineId: string;
  beforeAll(async () => {
    // The parse-time limit raised out of the way, so the body reaches the re-serialisation.
    gateway = await startReliabilityGateway(19, {
      config: { limits: { ...defaultGatewayConfig().limits, maxJsonDepth: 10_000_000 } },
    });
    engineId = (await gateway.startEngine('fake/chat', { engineLabel: 'chat-label' })).engineId;
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it("is the gateway's own 400, never an engine failure: five in a row leave the engine RUNNING", async () => {
    const body = deepChatBody(200_000, undefined);
    for (let index = 0; index < 5; index += 1) {
      const answer = await postRaw(gateway.url, body);
      expect(answer.status).toBe(400);
      expect(answer.source).toBe('gateway');
      expect(answer.json.error?.message).toMatch(/nested too deeply to forward/);
    }
    // The threshold is 3 consecutive failures: five would have marked it UNHEALTHY.
    expect(gateway.gateway.manager.getEngine(engineId).status).toBe('RUNNING');
    expect(await failoverCount(gateway.url)).toBe(0);
    const normal = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'chat-label',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(normal.status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isOpenAiError,
  type ReliabilityGateway,
  startReliabilityGateway,
} from './support/reliability-gateway.js';

const ADMIN_KEY = 'sk-admin-0123456789';
const USER_KEY = 'sk-user-0123456789';
let gateway: ReliabilityGateway;
let engineId: string;

beforeAll(async () => {
  gateway = await startReliabilityGateway(9, {
    config: {
      apiKeys: [
        { key: ADMIN_KEY, admin: true, name: 'admin' },
        { key: USER_KEY, admin: false, name: 'user' },
      ],
    },
  });
  engineId = (await gateway.startEngine('fake/chat')).engineId;
});
afterAll(async () => {
  await gateway?.close();
});

/** Every management route, with a body that is harmless even when accepted. */
function managementRoutes(): Array<{ method: string; path: string; body?: string }> {
  return [
    { method: 'GET', path: '/v1/management/engines' },
    { method: 'POST', path: '/v1/management/engines', body: '{"model_id":"fake/x","engine_kind":"nope"}' },
    { method: 'POST', path: '/v1/management/engines/prune' },
    { method: 'GET', path: `/v1/management/engines/${engineId}` },
    { method: 'DELETE', path: '/v1/management/engines/no-such-engine' },
    { method: 'POST', path: '/v1/management/engines/no-such-engine/restart' },
    { method: 'GET', path: `/v1/management/engines/${engineId}/logs?tail=5` },
    { method: 'GET', path: '/v1/management/status' },
    { method: 'GET', path: '/v1/management/gpu' },
    { method: 'GET', path: '/v1/management/policy' },
    { method: 'PUT', path: '/v1/management/policy', body: '{"policy":"no-such-policy"}' },
    { method: 'POST', path: '/v1/management/presets/apply', body: '{"name":"no-such-preset"}' },
  ];
}

async function send(route: { method: string; path: string; body?: string }, key?: string) {
  const response = await fetch(`${gateway.url}${route.path}`, {
    method: route.method,
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
    },
    ...(route.body === undefined ? {} : { body: route.body }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('management routes when API keys are configured', () => {
  it('refuse requests without a key (401) or with a wrong one, in OpenAI shape', async () => {
    for (const route of managementRoutes()) {
      for (const key of [undefined, 'sk-wrong-0123456789', '']) {
        const answer = await send(route, key);
        expect(answer.status, `${route.method} ${route.path} with key ${key}`).toBe(401);
        expect(isOpenAiError(answer.body)).toBe(true);
      }
    }
  });

  it('refuse a non-admin key (403)', async () => {
    for (const route of managementRoutes()) {
      const answer = await send(route, USER_KEY);
      expect(answer.status, `${route.method} ${route.path}`).toBe(403);
      expect(isOpenAiError(answer.body)).toBe(true);
    }
  });

  it('let an admin key through to the route itself', async () => {
    for (const route of managementRoutes()) {
      const answer = await send(route, ADMIN_KEY);
      expect([401, 403], `${route.method} ${route.path}`).not.toContain(answer.status);
      expect(answer.status).toBeLessThan(500);
    }
    expect(gateway.gateway.manager.listEngines()).toHaveLength(1);
  });

  it('inference takes any valid key; health probes need none', async () => {
    const chat = (key?: string) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        },
        body: JSON.stringify({ model: 'fake/chat', messages: [{ role: 'user', content: 'hi' }] }),
      });
    expect((await chat()).status).toBe(401);
    expect((await chat(USER_KEY)).status).toBe(200);
    expect((await chat(ADMIN_KEY)).status).toBe(200);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeEngineBackendOptions } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JsonBody,
  readJson,
  startTestGateway,
  type TestGateway,
  temporaryStateDir,
} from './support/gateway-harness.js';

let harness: TestGateway;

/** A sage.yaml with the fake engine as a custom backend and a small catalog. */
function writeConfig(): string {
  const path = join(temporaryStateDir(), 'sage.yaml');
  const command = fakeEngineBackendOptions.command.map((part) => JSON.stringify(part)).join(', ');
  writeFileSync(
    path,
    [
      'backends:',
      '  - name: fake',
      `    command: [${command}]`,
      'models:',
      '  - name: chat',
      '    aliases: [org/chat-alias]',
      '    backend: fake',
      '    model_id: fake/chat',
      '    use_gpu: false',
      '    args: [--slow-start-ms, "200"]',
      '  - name: broken',
      '    backend: fake',
      '    model_id: fake/broken',
      '    use_gpu: false',
      '    args: [--exit-at-start, "3"]',
      'model_loading:',
      '  failure_holdoff_ms: 30000',
      '',
    ].join('\n'),
  );
  return path;
}

beforeAll(async () => {
  harness = await startTestGateway(20, {
    config: writeConfig(),
    managerOptions: { allowedExtraArgs: {}, maxRestartAttempts: 0 },
  });
});

afterAll(async () => {
  await harness?.close();
});

async function management(method: string, path: string): Promise<{ status: number; body: JsonBody }> {
  const response = await fetch(`${harness.url}/v1/management${path}`, {
    method,
    headers: harness.managementHeaders,
  });
  return { status: response.status, body: await readJson(response) };
}

function chat(model: string) {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

async function modelState(name: string): Promise<string | undefined> {
  const list = await readJson(await fetch(`${harness.url}/v1/models`));
  return list.data.find((entry: JsonBody) => entry.id === name)?.state;
}

describe('on-demand models through the gateway (sage.yaml catalog, fake engine)', () => {
  it('lists catalog models with their state and aliases in /v1/models', async () => {
    const list = await readJson(await fetch(`${harness.url}/v1/models`));
    expect(list.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'chat', state: 'unloaded', aliases: ['org/chat-alias'], kind: 'llm' }),
        expect.objectContaining({ id: 'broken', state: 'unloaded' }),
      ]),
    );
  });

  it('answers concurrent first requests after starting exactly one engine', async () => {
    const responses = await Promise.all([chat('chat'), chat('org/chat-alias'), chat('chat')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const engines = harness.gateway.manager.listEngines().filter((engine) => engine.engineLabel === 'chat');
    expect(engines).toHaveLength(1);
    expect(engines[0]?.command).toEqual(expect.arrayContaining(['--slow-start-ms', '200']));
    expect(await modelState('chat')).toBe('loaded');
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/sage_model_loads_total\{model="chat",reason="request",outcome="loaded"\} 1/);
    expect(metrics).toMatch(/sage_model_load_wait_seconds_count\{model="chat"\} 3/);
  });

  it('unloads and loads by hand through the management API; an unknown name is 404', async () => {
    const unloaded = await management('POST', '/catalog/chat/unload');
    expect(unloaded.status).toBe(200);
    expect(unloaded.body).toMatchObject({ name: 'chat', state: 'unloaded', replicas: 0 });
    const loaded = await management('POST', `/catalog/${encodeURIComponent('org/chat-alias')}/load`);
    expect(loaded.body).toMatchObject({ name: 'chat', state: 'loaded', replicas: 1 });
    const list = await management('GET', '/catalog');
    expect(list.body.models.map((model: JsonBody) => model.name)).toEqual(['chat', 'broken']);
    const unknown = await management('POST', '/catalog/nope/load');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no catalog model 'nope' \(available: chat, broken\)/);
  });

  it('answers 503 with the reason and Retry-After when the engine cannot start', async () => {
    const [first, second] = await Promise.all([chat('broken'), chat('broken')]);
    for (const response of [first, second]) {
      expect(response?.status).toBe(503);
      expect(Number(response?.headers.get('retry-after'))).toBeGreaterThan(1);
      const body = await readJson(response as Response);
      expect(body.error.code).toBe('model_load_failed');
      expect(body.error.message).toMatch(/model 'broken' could not be loaded/);
    }
    expect(await modelState('broken')).toBe('failed');
  });
});

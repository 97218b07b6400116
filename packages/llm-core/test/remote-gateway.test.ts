import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageApiError, UnifiedInferenceClient } from '@sage/llm-core';
import { DEFAULT_PRESET_NAME, getBuiltinPreset } from '@sage/presets';
import { type RunningGateway, startGateway } from '@sage/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAlive } from './helpers/engine-metrics.js';

/** Remote mode against a real gateway that the test starts, with the tiny engines. */
const localModels = getBuiltinPreset(DEFAULT_PRESET_NAME).engines;
const chatModel = localModels.find((engine) => engine.kind === 'llm')?.model ?? '';
const embeddingModel = localModels.find((engine) => engine.kind === 'embedding')?.model ?? '';

describe('remote mode against a running gateway', () => {
  let stateDir: string;
  let gateway: RunningGateway;
  let client: UnifiedInferenceClient;

  beforeAll(async () => {
    vi.stubEnv('SAGE_API_KEY', '');
    stateDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-remote-'));
    // The client finds the gateway's local admin token in SAGE_HOME, as on a developer's machine.
    vi.stubEnv('SAGE_HOME', stateDir);
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      preset: DEFAULT_PRESET_NAME,
      managerOptions: { stateDir },
      logger: pino({ level: 'silent' }),
    });
    client = await UnifiedInferenceClient.create({
      controlPlaneUrl: `${gateway.url}/v1`,
      schedulingPolicy: 'fifo',
    });
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close({ stopEngines: true });
    await rm(stateDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('chats, streams, generates and embeds through the gateway', async () => {
    expect(client.mode).toBe('remote');
    const answer = await client.chat('hello', { maxTokens: 4, temperature: 0, priority: 'high' });
    expect(answer.model).toBe(chatModel);
    expect(answer.usage?.completion_tokens).toBeLessThanOrEqual(4);

    const chunks = [];
    for await (const chunk of client.chatStream('hello', { maxTokens: 4, sloDeadlineMs: 5000 }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);

    expect((await client.generate('Once', { maxTokens: 3, priority: 'background' })).object).toBe(
      'text_completion',
    );
    const pieces = [];
    for await (const piece of client.generateStream('Once', { maxTokens: 3 })) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(0);

    const embedded = await client.embed(['a', 'b']);
    expect(embedded.model).toBe(embeddingModel);
    expect(embedded.embeddings).toHaveLength(2);
  });

  it('lists models and reads the status in camelCase', async () => {
    expect((await client.models()).map((model) => model.id).sort()).toEqual(
      [chatModel, embeddingModel].sort(),
    );
    const status = await client.status();
    expect(status.engines).toHaveLength(2);
    expect(
      status.engines.every((engine) => engine.status === 'RUNNING' && typeof engine.engineId === 'string'),
    ).toBe(true);
    expect(status.queue).toMatchObject({ depth: 0 });
  });

  it('sends the scheduling policy, which the gateway validates', async () => {
    const badPolicy = await UnifiedInferenceClient.create({
      controlPlaneUrl: `${gateway.url}/v1`,
      schedulingPolicy: 'fastest',
    });
    try {
      const failure = badPolicy.chat('x', { maxTokens: 1 });
      await expect(failure).rejects.toSatisfy((error: unknown) => SageApiError.isInstance(error));
      await expect(failure).rejects.toMatchObject({ status: 400 });
      await expect(failure).rejects.toThrow(/fastest/);
    } finally {
      await badPolicy.close();
    }
  });

  it('reports an unknown model as SageApiError model_not_found with the request id', async () => {
    const failure = client.embed('x', { model: 'no/such-embedder', requestId: 'remote-404' });
    await expect(failure).rejects.toMatchObject({
      name: 'SageApiError',
      status: 404,
      code: 'model_not_found',
      requestId: 'remote-404',
    });
  });

  it('leaves the gateway and its engines running when the client closes', async () => {
    const other = await UnifiedInferenceClient.create({ controlPlaneUrl: `${gateway.url}/v1` });
    const pids = (await other.status()).engines.map((engine) => engine.pid as number);
    await other.close();
    expect(pids.every(isAlive)).toBe(true);
    expect((await client.chat('still there?', { maxTokens: 1 })).object).toBe('chat.completion');
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageApiError, UnifiedInferenceClient } from '@sage/llm-core';
import { getBuiltinPreset } from '@sage/presets';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { engineMetric, isAlive } from './helpers/engine-metrics.js';

/** End to end: a real embedded gateway with the tiny offline engines of the `local` preset. */
const localModels = getBuiltinPreset('local').engines;
const chatModel = localModels.find((engine) => engine.kind === 'llm')?.model ?? '';
const embeddingModel = localModels.find((engine) => engine.kind === 'embedding')?.model ?? '';

describe('embedded mode with the tiny engines', () => {
  let stateDir: string;
  let client: UnifiedInferenceClient;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-embedded-'));
    client = await UnifiedInferenceClient.create({ embedded: true, stateDir });
  });

  afterAll(async () => {
    await client?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts the local preset and serves its models', async () => {
    expect(client.mode).toBe('embedded');
    expect(client.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await client.models();
    expect(models.map((model) => [model.id, model.kind]).sort()).toEqual(
      [
        [chatModel, 'llm'],
        [embeddingModel, 'embedding'],
      ].sort(),
    );
    const status = await client.status();
    expect(status.engines.map((engine) => engine.status)).toEqual(['RUNNING', 'RUNNING']);
    expect(status.schedulingPolicy).toBe('adaptive');
  });

  it('answers a chat with at most maxTokens tokens', async () => {
    const answer = await client.chat([{ role: 'user', content: 'Say hello' }], {
      maxTokens: 8,
      temperature: 0,
    });
    expect(answer.object).toBe('chat.completion');
    expect(answer.model).toBe(chatModel);
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
    expect(answer.usage?.completion_tokens).toBeLessThanOrEqual(8);
  });

  it('streams a chat to its end and generates text', async () => {
    const chunks = [];
    for await (const chunk of client.chatStream('Count to three', { maxTokens: 6, includeUsage: true })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(true);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeLessThanOrEqual(6);

    const completion = await client.generate('Once upon a time', { maxTokens: 5 });
    expect(completion.object).toBe('text_completion');
    const pieces = [];
    for await (const chunk of client.generateStream('Once upon a time', { maxTokens: 5 })) pieces.push(chunk);
    expect(pieces.length).toBeGreaterThan(0);
  });

  it('stops the generation in the engine when the loop is left mid-stream', async () => {
    const engine = (await client.status()).engines.find((candidate) => candidate.engineKind === 'llm');
    if (!engine) throw new Error('no llm engine');
    const abortedBefore = await engineMetric(
      engine,
      'sage_engine_request_success_total',
      'finished_reason="abort"',
    );
    let received = 0;
    for await (const _chunk of client.chatStream('Write a very long story', { maxTokens: 400 })) {
      received += 1;
      if (received === 2) break;
    }
    expect(received).toBe(2);
    await vi.waitFor(
      async () => {
        expect(
          await engineMetric(engine, 'sage_engine_request_success_total', 'finished_reason="abort"'),
        ).toBe(abortedBefore + 1);
        expect(await engineMetric(engine, 'sage_engine_requests_running')).toBe(0);
      },
      { timeout: 10_000, interval: 100 },
    );
    // The engine serves the next request normally.
    expect((await client.chat('again', { maxTokens: 2 })).object).toBe('chat.completion');
  });

  it('embeds texts in input order', async () => {
    const result = await client.embed(['first text', 'second text', 'third']);
    expect(result.model).toBe(embeddingModel);
    expect(result.embeddings).toHaveLength(3);
    const dimensions = result.embeddings[0]?.length ?? 0;
    expect(dimensions).toBeGreaterThan(0);
    expect(result.embeddings.every((vector) => vector.length === dimensions)).toBe(true);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    const single = await client.embed('first text');
    expect(single.embeddings[0]?.[0]).toBeCloseTo(result.embeddings[0]?.[0] ?? Number.NaN, 5);
  });

  it('reports an unknown model as SageApiError model_not_found', async () => {
    const failure = client.chat('x', { model: 'no/such-model', requestId: 'embedded-404' });
    await expect(failure).rejects.toSatisfy((error: unknown) => SageApiError.isInstance(error));
    await expect(failure).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      requestId: 'embedded-404',
    });
  });
});

describe('embedded close()', () => {
  it('leaves no engine process behind and is safe to call twice', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-close-'));
    try {
      const client = await UnifiedInferenceClient.create({
        embedded: true,
        stateDir,
        defaultEmbeddingModel: embeddingModel,
      });
      const pids = (await client.status()).engines.map((engine) => engine.pid);
      expect(pids).toHaveLength(2);
      expect(pids.every((pid) => pid !== null && isAlive(pid))).toBe(true);
      await client.close();
      await client.close();
      for (const pid of pids) expect(isAlive(pid as number)).toBe(false);
      await expect(client.models()).rejects.toThrow(/closed/);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('starts an engine for a default model the preset does not serve, behind API keys, with the given policy', async () => {
    vi.stubEnv('SAGE_API_KEY', '');
    vi.stubEnv('SAGE_API_KEYS', 'embedded-test-key');
    const stateDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-defaults-'));
    const embedOnly = {
      version: 1,
      name: 'embed-only',
      engines: localModels.filter((engine) => engine.kind === 'embedding'),
    };
    try {
      const client = await UnifiedInferenceClient.create({
        embedded: true,
        stateDir,
        preset: embedOnly,
        defaultLlmModel: chatModel,
        schedulingPolicy: 'fifo',
      });
      try {
        expect((await fetch(`${client.baseUrl}/models`)).status).toBe(401);
        expect((await client.status()).schedulingPolicy).toBe('fifo');
        const engines = (await client.status()).engines;
        expect(engines.map((engine) => [engine.modelId, engine.status]).sort()).toEqual(
          [
            [chatModel, 'RUNNING'],
            [embeddingModel, 'RUNNING'],
          ].sort(),
        );
        expect((await client.chat('hi', { maxTokens: 2 })).model).toBe(chatModel);
      } finally {
        await client.close();
      }
    } finally {
      vi.unstubAllEnvs();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

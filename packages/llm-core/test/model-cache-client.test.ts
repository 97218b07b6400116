import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type DownloadProgress, SageApiError, UnifiedInferenceClient } from '@sage/llm-core';
import { type FakeHub, startFakeHub } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Embedded mode with a preset whose model is an hf: reference: the embedded control plane pulls
// it from a hub-shaped HTTP server (HF_ENDPOINT) before the engine starts; then the client's
// model cache methods.
const REPO = 'sage-test/tiny-chat-GGUF';
const REF = `hf:${REPO}/tiny-chat-Q8_0.gguf`;

function tinyChatGguf(): Buffer {
  const engineIndex = fileURLToPath(new URL('../../engine/dist/index.js', import.meta.url));
  const script = `const e = await import(${JSON.stringify(pathToFileURL(engineIndex).href)}); process.stdout.write(e.tinyModelBytes(e.findTinyModel('sage/tiny-chat')));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('the model cache through create() in embedded mode', () => {
  let hub: FakeHub;
  let stateDir: string;
  let client: UnifiedInferenceClient;
  let gguf: Buffer;

  beforeAll(async () => {
    gguf = tinyChatGguf();
    hub = await startFakeHub({
      repos: {
        [REPO]: {
          'tiny-chat-Q8_0.gguf': gguf,
          'tiny-chat-Q4_K_M.gguf': Buffer.concat([gguf, Buffer.from('x')]),
        },
      },
    });
    stateDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-models-'));
    vi.stubEnv('HF_ENDPOINT', hub.endpoint);
    vi.stubEnv('SAGE_API_KEY', '');
    client = await UnifiedInferenceClient.create({
      embedded: true,
      stateDir,
      preset: {
        version: 1,
        name: 'pulled',
        engines: [{ name: 'chat', model: REF, kind: 'llm', backend: 'sage', use_gpu: false }],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await hub?.close();
    await rm(stateDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  it('starts the preset’s hf: model after pulling it, chats with it, and manages the cache', async () => {
    const answer = await client.chat('hello', { model: REF, maxTokens: 4 });
    expect(answer.model).toBe(REF);
    const [cached] = await client.listCachedModels();
    expect(cached).toMatchObject({ ref: `${REF}#main`, sizeBytes: gguf.length, verified: true });

    const progress: DownloadProgress[] = [];
    const pulled = await client.pullModel(`hf:${REPO}`, {
      quant: 'Q4_K_M',
      onProgress: (each) => progress.push(each),
    });
    expect(pulled).toMatchObject({
      ref: `hf:${REPO}/tiny-chat-Q4_K_M.gguf#main`,
      sizeBytes: gguf.length + 1,
    });
    expect(progress.at(-1)).toMatchObject({ downloadedBytes: gguf.length + 1, totalBytes: gguf.length + 1 });
    expect((await client.removeCachedModel(pulled.id)).id).toBe(pulled.id);
    expect((await client.listCachedModels()).map((model) => model.id)).toEqual([cached?.id]);

    const missing = await client.pullModel(`hf:${REPO}/nope.gguf`).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(SageApiError);
    expect(missing).toMatchObject({ status: 404, code: 'model_file_not_found' });
  });
});

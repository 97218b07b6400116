import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadProgress } from '@sage/protocol';
import { type FakeHub, startFakeHub } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { temporaryStateDir, testPortRange, waitFor } from './fake-engine-backend.js';
import { tinyChatGguf } from './support/tiny-gguf.js';

// The real sage engine serving a GGUF pulled from a hub-shaped HTTP server.
const REPO = 'sage-test/tiny-chat-GGUF';
const FILE = 'tiny-chat-Q8_0.gguf';
const REF = `hf:${REPO}/${FILE}`;
const env = { ...process.env, SAGE_DISABLE_NVML: '1', SAGE_GPU_MOCK_COUNT: '0' };

let hub: FakeHub;
let slowHub: FakeHub;
let manager: ControlPlaneManager;
let stateDir: string;
/** Added to the manager's clock: jumping it while DOWNLOADING proves the startup timeout waits. */
let clockOffset = 0;

beforeAll(async () => {
  const gguf = tinyChatGguf();
  hub = await startFakeHub({ repos: { [REPO]: { [FILE]: gguf } }, slowMs: 25 });
  slowHub = await startFakeHub({ repos: { [REPO]: { 'slow-Q4_K_M.gguf': gguf } }, slowMs: 5_000 });
  stateDir = temporaryStateDir();
  manager = new ControlPlaneManager({
    stateDir,
    env,
    gpu: new GPUResourceManager({ env }),
    ports: new PortAllocator({ stateDir, ...testPortRange(5) }),
    healthCheckIntervalMs: 500,
    readinessPollMs: 50,
    restartBackoffBaseMs: 100,
    stopTimeoutMs: 5_000,
    startupTimeoutMs: 30_000,
    models: { hubEndpoint: hub.endpoint, retryDelayMs: 10, progressIntervalMs: 0 },
    now: () => Date.now() + clockOffset,
  });
  await manager.start();
});

afterAll(async () => {
  await manager?.close();
  await Promise.all([hub?.close(), slowHub?.close()]);
});

describe('an engine for a model that is not cached', () => {
  it('is DOWNLOADING with progress, then starts on the pulled file (timeout counted from then) and answers a chat', async () => {
    const progress: DownloadProgress[] = [];
    const onProgress = ({ progress: each }: { progress: DownloadProgress }) => {
      progress.push(each);
      // An hour passes during the download: a startup timeout that counted it would fail the engine.
      if (progress.length === 1) clockOffset += 3_600_000;
    };
    manager.on('engine-download-progress', onProgress);
    const engine = await manager.requestEngineStartup(REF, { useGpu: false });
    expect(engine.status).toBe('DOWNLOADING');
    expect(engine.port).toBe(0);
    expect(engine.pid).toBeNull();
    expect(engine.download).toMatchObject({ downloadedBytes: 0 });
    const running = await manager.waitForEngine(engine.engineId, { timeoutMs: 60_000 });
    manager.off('engine-download-progress', onProgress);
    expect(running.status).toBe('RUNNING');
    expect(running.restartCount).toBe(0);
    expect(running.download).toBeUndefined();
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ downloadedBytes: progress.at(-1)?.totalBytes });
    const [cached] = await manager.listCachedModels();
    expect(cached?.ref).toBe(`${REF}#main`);
    expect(running.command[running.command.indexOf('--model') + 1]).toBe(cached?.path);
    expect(running.command[running.command.indexOf('--served-model-name') + 1]).toBe(REF);

    const base = `http://${running.host}:${running.port}`;
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data[0]?.id).toBe(REF);
    const chat = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: REF, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    expect(chat.status).toBe(200);
    const answer = (await chat.json()) as { choices: Array<{ message: { content: string } }> };
    expect(typeof answer.choices[0]?.message.content).toBe('string');

    // A second engine for the same model starts at once from the cache.
    const before = hub.requests.length;
    const second = await manager.requestEngineStartup(REF, { useGpu: false });
    expect(second.status).toBe('STARTING');
    expect(hub.requests.length).toBe(before);
    await manager.requestEngineShutdown(second.engineId);
    await manager.requestEngineShutdown(running.engineId);
  });

  it('is FAILED with the pull error when the file does not exist', async () => {
    const engine = await manager.requestEngineStartup(`hf:${REPO}/missing-Q4_K_M.gguf`, { useGpu: false });
    expect(engine.status).toBe('DOWNLOADING');
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 20_000 })).rejects.toThrow(/FAILED/);
    expect(manager.getEngine(engine.engineId).lastError).toMatch(
      /model download failed: .*does not exist \(404\)/,
    );
  });

  it('stops at once while DOWNLOADING, keeping the partial file to resume', async () => {
    const slow = new ControlPlaneManager({
      stateDir: temporaryStateDir(),
      env,
      gpu: new GPUResourceManager({ env }),
      ports: new PortAllocator({ stateDir, ...testPortRange(6) }),
      models: { hubEndpoint: slowHub.endpoint, progressIntervalMs: 0 },
    });
    await slow.start();
    try {
      const engine = await slow.requestEngineStartup(`hf:${REPO}:Q4_K_M`, { useGpu: false });
      await waitFor(() => (slow.getEngine(engine.engineId).download?.downloadedBytes ?? 0) > 0);
      const stopped = await slow.requestEngineShutdown(engine.engineId);
      expect(stopped.status).toBe('STOPPED');
      const partial = join(slow.stateDir, 'models', 'cache', 'partial');
      expect(existsSync(partial) && readdirSync(partial).length).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

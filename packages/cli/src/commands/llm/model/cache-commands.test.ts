import { SageApiError } from '@sage/llm-core';
import type { CachedModelWire, ModelPullEventWire } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../../output/print.js';
import { listCachedModels } from './cache.js';
import { listModels } from './list.js';
import { pullModel } from './pull.js';
import { removeModel } from './rm.js';

const model: CachedModelWire = {
  id: '0123456789abcdef',
  ref: 'hf:org/repo/m-Q4_K_M.gguf#main',
  source_url: 'https://huggingface.co/org/repo/resolve/main/m-Q4_K_M.gguf',
  file_name: 'm-Q4_K_M.gguf',
  size_bytes: 400 * 1024 ** 2,
  sha256: 'ab'.repeat(32),
  verified: true,
  path: '/state/models/cache/blobs/sha256-ab.gguf',
  created_at: '2026-01-01T00:00:00.000Z',
  last_used_at: '2026-01-02T00:00:00.000Z',
};

const progress = (downloaded: number): ModelPullEventWire => ({
  type: 'progress',
  ref: model.ref,
  downloaded_bytes: downloaded,
  total_bytes: model.size_bytes,
  bytes_per_second: 10 * 1024 ** 2,
  eta_seconds: (model.size_bytes - downloaded) / (10 * 1024 ** 2),
});

const events: ModelPullEventWire[] = [
  {
    type: 'resolved',
    ref: model.ref,
    url: model.source_url,
    file_name: model.file_name,
    total_bytes: model.size_bytes,
    cached: false,
  },
  progress(100 * 1024 ** 2),
  progress(200 * 1024 ** 2),
  progress(model.size_bytes),
  { type: 'verifying', ref: model.ref },
  { type: 'done', model },
];

function setup(options: { json?: boolean; isTTY?: boolean } = {}) {
  const client = new FakeManagementClient();
  const capture = captureTerminal({ isTTY: options.isTTY ?? false });
  return { client, capture, output: createOutput(capture.terminal, { json: options.json ?? false }) };
}

describe('sage llm model pull', () => {
  it('draws a progress bar with size, rate and ETA on a terminal, and ends with the cached file', async () => {
    const { client, capture, output } = setup({ isTTY: true });
    client.pullEvents = events;
    const pulled = await pullModel(client, output, { ref: 'org/repo', quant: 'Q4_K_M' });
    expect(pulled.id).toBe(model.id);
    expect(client.callsOf('pullModel')).toEqual([[{ ref: 'org/repo', quant: 'Q4_K_M' }]]);
    const text = capture.stdout();
    expect(text).toContain('pulling hf:org/repo/m-Q4_K_M.gguf#main (m-Q4_K_M.gguf, 400.0 MB)');
    expect(text).toMatch(/\[######\.+\]\s+25%\s+100\.0 MB \/ 400\.0 MB\s+10\.0 MB\/s\s+ETA 30s/);
    expect(text).toContain('verified → /state/models/cache/blobs/sha256-ab.gguf');
  });

  it('prints one JSON event a line under --json', async () => {
    const { client, capture, output } = setup({ json: true });
    client.pullEvents = events;
    await pullModel(client, output, { ref: model.ref });
    const lines = capture
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual([
      'resolved',
      'progress',
      'progress',
      'progress',
      'verifying',
      'done',
    ]);
  });

  it('fails with the error event’s message (exit 1), and passes the gateway’s error answers on', async () => {
    const { client, output } = setup();
    client.pullEvents = [
      events[0] as ModelPullEventWire,
      {
        type: 'error',
        error: {
          message: 'cannot pull x: the downloaded file’s SHA-256 …',
          type: 'server_error',
          code: 'model_hash_mismatch',
        },
      },
    ];
    await expect(pullModel(client, output, { ref: model.ref })).rejects.toMatchObject({ exitCode: 1 });
    client.pullEvents = new SageApiError({
      status: 403,
      message: 'set HF_TOKEN',
      code: 'hub_unauthorized',
    });
    await expect(pullModel(client, output, { ref: model.ref })).rejects.toThrow(/HF_TOKEN/);
  });
});

describe('sage llm model cache and rm', () => {
  it('lists the cache with size, source and last use, and removes by id or by reference', async () => {
    const { client, capture, output } = setup();
    client.cachedModels = [model];
    await listCachedModels(client, output);
    expect(capture.stdout()).toMatch(
      /0123456789abcdef\s+hf:org\/repo\/m-Q4_K_M\.gguf#main\s+400\.0 MB\s+abababababab\s+2026-01-02/,
    );
    await removeModel(client, output, 'org/repo/m-Q4_K_M.gguf');
    expect(client.callsOf('removeCachedModel')).toEqual([[model.id]]);
    expect(capture.stdout()).toContain('removed hf:org/repo/m-Q4_K_M.gguf#main (400.0 MB freed)');
    await listCachedModels(client, output);
    expect(capture.stdout()).toContain('no cached models');
  });
});

describe('sage llm model list --cached', () => {
  it('lists the pulled files instead of the catalog', async () => {
    const { client, capture, output } = setup();
    client.cachedModels = [model];
    await listModels(client, output, { cached: true });
    expect(capture.stdout()).toMatch(/0123456789abcdef\s+hf:org\/repo\/m-Q4_K_M\.gguf#main\s+400\.0 MB/);
    expect(client.callsOf('listCatalog')).toEqual([]);
  });
});

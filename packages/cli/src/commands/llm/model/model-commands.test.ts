import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../../output/print.js';
import { listCatalogModels } from './list.js';
import { loadCatalogModel, unloadCatalogModel } from './load.js';

function setup(json = false) {
  const client = new FakeManagementClient();
  client.catalog = [
    {
      name: 'qwen-small',
      aliases: ['gpt-4o-mini'],
      model_id: 'Qwen/Qwen2.5-0.5B-Instruct',
      kind: 'llm',
      backend: 'vllm',
      state: 'unloaded',
      engine_ids: [],
      replicas: 0,
      min_replicas: 0,
      max_replicas: 2,
      ttl_s: 600,
      priority: 'normal',
      pinned: false,
      memory_gb: 10,
      last_used_at: null,
      last_error: null,
    },
  ];
  const capture = captureTerminal();
  return { client, capture, output: createOutput(capture.terminal, { json }) };
}

describe('sage llm model', () => {
  it('lists catalog models as a table, and the REST body under --json', async () => {
    const table = setup();
    await listCatalogModels(table.client, table.output);
    expect(table.capture.stdout()).toMatch(/^NAME\s+MODEL\s+KIND\s+STATE/);
    expect(table.capture.stdout()).toMatch(
      /qwen-small\s+Qwen\/Qwen2\.5-0\.5B-Instruct\s+llm\s+unloaded\s+0\/2\s+600s/,
    );
    const json = setup(true);
    await listCatalogModels(json.client, json.output);
    expect(JSON.parse(json.capture.stdout()).models[0].name).toBe('qwen-small');
  });

  it('loads and unloads by name or alias', async () => {
    const { client, capture, output } = setup();
    await loadCatalogModel(client, output, 'gpt-4o-mini');
    await unloadCatalogModel(client, output, 'qwen-small');
    expect(client.callsOf('loadModel')).toEqual([['gpt-4o-mini']]);
    expect(client.callsOf('unloadModel')).toEqual([['qwen-small']]);
    expect(capture.stdout()).toContain('qwen-small: loaded (engine-1)');
    expect(capture.stdout()).toContain('qwen-small: unloaded');
  });
});

import { getBuiltinPreset } from '@sage/presets';
import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../__fixtures__/capture-terminal.js';
import { engineInfo } from '../../__fixtures__/engines.js';
import { FakeManagementClient } from '../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../output/print.js';
import { announceWhenReady, curlExample } from './serve.js';

const local = getBuiltinPreset('local');

function presetEngine(
  id: string,
  model: string,
  kind: 'llm' | 'embedding',
  status: 'RUNNING' | 'STARTING' | 'FAILED',
) {
  return engineInfo({
    engine_id: id,
    model_id: model,
    engine_kind: kind,
    status,
    metadata: { preset: 'local' },
  });
}

describe('sage llm serve', () => {
  it('prints a curl example that runs as is', () => {
    expect(curlExample('http://127.0.0.1:8889/v1', 'sage/tiny-chat')).toBe(
      `curl http://127.0.0.1:8889/v1/chat/completions -H 'Content-Type: application/json' -d '{"model":"sage/tiny-chat","messages":[{"role":"user","content":"Hello!"}]}'`,
    );
  });

  it('waits until every engine of the preset is RUNNING, then prints the URL and the example', async () => {
    const client = new FakeManagementClient();
    const polls = [
      [presetEngine('e1', 'sage/tiny-chat', 'llm', 'STARTING')],
      [
        presetEngine('e1', 'sage/tiny-chat', 'llm', 'RUNNING'),
        presetEngine('e2', 'sage/tiny-embed', 'embedding', 'STARTING'),
      ],
      [
        presetEngine('e1', 'sage/tiny-chat', 'llm', 'RUNNING'),
        presetEngine('e2', 'sage/tiny-embed', 'embedding', 'RUNNING'),
      ],
    ];
    client.listEngines = async () => ({ engines: polls.shift() ?? [] });
    const capture = captureTerminal();
    const engines = await announceWhenReady(client, createOutput(capture.terminal, {}), local, {
      sleep: async () => {},
    });
    expect(engines.map((engine) => engine.status)).toEqual(['RUNNING', 'RUNNING']);
    expect(capture.stdout()).toContain('ready: http://127.0.0.1:8889/v1 (preset local)');
    expect(capture.stdout()).toContain('"model":"sage/tiny-chat"');
  });

  it('warns about a FAILED engine instead of waiting forever', async () => {
    const client = new FakeManagementClient();
    const failed = presetEngine('e2', 'sage/tiny-embed', 'embedding', 'FAILED');
    failed.last_error = 'model file missing';
    client.engines = [presetEngine('e1', 'sage/tiny-chat', 'llm', 'RUNNING'), failed];
    const capture = captureTerminal();
    await announceWhenReady(client, createOutput(capture.terminal, {}), local, { sleep: async () => {} });
    expect(capture.stderr()).toContain('engine e2 (sage/tiny-embed) FAILED: model file missing');
  });
});

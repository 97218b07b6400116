import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageApiError } from '@sage/llm-core';
import { getBuiltinPreset } from '@sage/presets';
import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { engineInfo } from '../../../__fixtures__/engines.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { CliExitError } from '../../../errors.js';
import { EXIT_CODES } from '../../../exit-codes.js';
import { createOutput } from '../../../output/print.js';
import { applyPreset, planPreset } from './apply.js';
import { listPresets } from './list.js';
import { gpuChoice, planTable } from './plan-table.js';
import { loadPresetFromFlags } from './preset-source.js';
import { showPreset } from './show.js';

// Yields to the event loop (the fake gateway answers on setImmediate), without real time.
const instant = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('preset list / show', () => {
  it('lists the built-ins, the default first', () => {
    const capture = captureTerminal();
    const presets = listPresets(createOutput(capture.terminal, {}));
    expect(presets[0]?.name).toBe('local');
    expect(capture.stdout()).toMatch(
      /^NAME\s+ENGINES\s+DESCRIPTION\nlocal\s+sage\/tiny-chat, sage\/tiny-embed/,
    );
  });

  it('shows a preset with its plan, or as JSON with YAML keys', () => {
    const human = captureTerminal();
    showPreset(createOutput(human.terminal, {}), getBuiltinPreset('bge-m3-gpu'));
    expect(human.stdout()).toContain('name:        bge-m3-gpu');
    expect(human.stdout()).toMatch(/embed\s+BAAI\/bge-m3\s+embedding\s+hf-embed\s+yes/);

    const json = captureTerminal();
    showPreset(createOutput(json.terminal, { json: true }), getBuiltinPreset('local'));
    expect(JSON.parse(json.stdout()).engines[1]).toMatchObject({ model: 'sage/tiny-embed', use_gpu: false });
  });

  it('says what use_gpu means per engine', () => {
    const [chat, embed] = getBuiltinPreset('qwen-mini-with-embeddings').engines;
    expect(gpuChoice(chat!)).toBe('auto (GPU)');
    expect(gpuChoice(embed!)).toBe('auto (CPU)');
    expect(gpuChoice({ ...embed!, use_gpu: true, gpu_ids: [1] })).toBe('yes (1)');
    expect(planTable(getBuiltinPreset('local'))).toMatch(
      /chat\s+sage\/tiny-chat\s+llm\s+sage\s+no\s+1\s+1\s+auto\s+chat/,
    );
  });

  it('loads NAME or --file, not both, and points into a bad file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sage-cli-preset-'));
    writeFileSync(
      join(directory, 'mine.yaml'),
      'version: 1\nname: mine\nengines:\n  - name: chat\n    model: m\n    kind: chat\n',
    );
    await expect(loadPresetFromFlags('local', { file: 'x.yaml' }, directory)).rejects.toThrow('not both');
    await expect(loadPresetFromFlags(undefined, {}, directory)).rejects.toThrow('give a preset NAME');
    await expect(loadPresetFromFlags(undefined, { file: 'missing.yaml' }, directory)).rejects.toThrow(
      '--file: no such file',
    );
    await expect(loadPresetFromFlags(undefined, { file: 'mine.yaml' }, directory)).rejects.toThrow(
      /mine\.yaml:6:11: engines\.0\.kind/,
    );
    await expect(loadPresetFromFlags('fastest', {}, directory)).rejects.toThrow(
      /no preset 'fastest' \(available: local/,
    );
  });
});

describe('preset apply', () => {
  it('--dry-run prints the plan, and under --json the engine start bodies', () => {
    const capture = captureTerminal();
    planPreset(createOutput(capture.terminal, { json: true }), getBuiltinPreset('bge-m3-gpu'));
    expect(JSON.parse(capture.stdout())).toEqual({
      preset: 'bge-m3-gpu',
      engines: [
        expect.objectContaining({ model_id: 'BAAI/bge-m3', use_gpu: true, engine_kind: 'embedding' }),
      ],
    });
  });

  it('sends the parsed preset with rollback, prints each new engine’s state, then the engines', async () => {
    const client = new FakeManagementClient();
    const started = engineInfo({
      engine_id: 'engine-7',
      metadata: { preset: 'local', preset_engine: 'chat' },
    });
    client.enginesDuringApply = [started];
    client.applyResult = { preset: { name: 'local' }, engines: [started] };
    const capture = captureTerminal();
    const preset = getBuiltinPreset('local');
    await applyPreset(client, createOutput(capture.terminal, {}), preset, {
      rollback: true,
      confirm: null,
      sleep: instant,
    });
    expect(client.callsOf('applyPreset')).toEqual([[{ preset: { ...preset }, rollback: true }]]);
    expect(capture.stdout()).toContain('preset local: 2 engine(s) on http://127.0.0.1:8889/v1');
    expect(capture.stdout()).toContain('  chat: engine-7 sage/tiny-chat RUNNING');
    expect(capture.stdout()).toContain('preset local applied');
  });

  it('--no-rollback sends rollback: false', async () => {
    const client = new FakeManagementClient();
    await applyPreset(client, createOutput(captureTerminal().terminal, {}), getBuiltinPreset('local'), {
      rollback: false,
      confirm: null,
      sleep: instant,
    });
    expect(client.callsOf('applyPreset')[0]?.[0]).toMatchObject({ rollback: false });
  });

  it('stops when the confirmation is declined', async () => {
    const client = new FakeManagementClient();
    const error = await applyPreset(
      client,
      createOutput(captureTerminal().terminal, {}),
      getBuiltinPreset('local'),
      {
        rollback: true,
        confirm: async () => false,
      },
    ).catch((caught: unknown) => caught);
    expect((error as CliExitError).exitCode).toBe(EXIT_CODES.failed);
    expect(client.callsOf('applyPreset')).toHaveLength(0);
  });

  it('a failed apply exits 1 with the gateway’s message and the failing engine’s last error', async () => {
    const client = new FakeManagementClient();
    client.enginesDuringApply = [
      engineInfo({
        engine_id: 'engine-8',
        status: 'FAILED',
        last_error: 'exit code 1: refusing to start',
        metadata: { preset: 'local', preset_engine: 'embed' },
      }),
    ];
    client.applyResult = new SageApiError({
      status: 409,
      message: "preset 'local': engine 'embed' (model sage/tiny-embed) failed: exit code 1; stopped engine-7",
      code: 'engine_failed',
    });
    const capture = captureTerminal();
    const error = await applyPreset(client, createOutput(capture.terminal, {}), getBuiltinPreset('local'), {
      rollback: true,
      confirm: null,
      sleep: instant,
    }).catch((caught: unknown) => caught);
    expect(CliExitError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "preset local was not applied: preset 'local': engine 'embed' (model sage/tiny-embed) failed: exit code 1; stopped engine-7",
    );
    expect(capture.stderr()).toContain('embed (engine-8): exit code 1: refusing to start');
  });
});

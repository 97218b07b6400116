import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { engineInfo } from '../../../__fixtures__/engines.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../../output/print.js';
import { listEngines } from './list.js';
import { showEngineLogs } from './logs.js';
import { pruneEngines } from './prune.js';
import { restartEngine } from './restart.js';
import { stopEngine } from './stop.js';

function setup(json = false) {
  const client = new FakeManagementClient();
  const capture = captureTerminal();
  return { client, capture, output: createOutput(capture.terminal, { json }) };
}

describe('engine list', () => {
  it('prints the REST body under --json', async () => {
    const { client, capture, output } = setup(true);
    client.engines = [engineInfo(), engineInfo({ engine_id: 'engine-2', gpu_ids: [1], device: 'cuda' })];
    await listEngines(client, output);
    const body = JSON.parse(capture.stdout());
    expect(body.engines.map((engine: { engine_id: string }) => engine.engine_id)).toEqual([
      'engine-1',
      'engine-2',
    ]);
    expect(body.engines[1].gpu_ids).toEqual([1]);
  });

  it('prints a table for people', async () => {
    const { client, capture, output } = setup();
    client.engines = [engineInfo()];
    await listEngines(client, output);
    expect(capture.stdout()).toMatch(/^ID\s+MODEL\s+KIND/);
    expect(capture.stdout()).toContain('CPU');
  });
});

describe('engine stop / restart / prune', () => {
  it('stops with or without draining', async () => {
    const { client, capture, output } = setup();
    await stopEngine(client, output, 'engine-1', { drain: true });
    await stopEngine(client, output, 'engine-2', { drain: false });
    expect(client.callsOf('stopEngine')).toEqual([
      ['engine-1', { drain: true }],
      ['engine-2', { drain: false }],
    ]);
    expect(capture.stdout()).toBe('stopped engine-1\nstopped engine-2\n');
  });

  it('restarts', async () => {
    const { client, capture, output } = setup(true);
    await restartEngine(client, output, 'engine-1');
    expect(JSON.parse(capture.stdout())).toEqual({ engine_id: 'engine-1', status: 'RESTARTING' });
  });

  it('prunes and lists what it removed', async () => {
    const { client, capture, output } = setup();
    await pruneEngines(client, output);
    expect(capture.stdout()).toBe('removed 1 engine: engine-9\n');
  });
});

describe('engine logs', () => {
  it('prints the last N lines', async () => {
    const { client, capture, output } = setup();
    client.logLines = ['a', 'b', 'c'];
    await showEngineLogs(client, output, 'engine-1', { lines: 2, follow: false });
    expect(client.callsOf('engineLogs')).toEqual([['engine-1', { tail: 2 }]]);
    expect(capture.stdout()).toBe('b\nc\n');
  });

  it('follows new lines; --json prints one object per line', async () => {
    const { client, capture, output } = setup(true);
    await showEngineLogs(client, output, 'engine-1', { lines: 0, follow: true });
    expect(
      capture
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([{ line: 'followed one' }, { line: 'followed two' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { engineInfo } from '../../../__fixtures__/engines.js';
import { fakeContext } from '../../../__fixtures__/fake-context.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../../output/print.js';
import { printOrWatch } from '../../shared-options.js';
import { describeEngine } from './describe.js';
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

describe('engine list -o', () => {
  it('prints YAML with -o yaml (the same snake_case body as JSON)', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    client.engines = [engineInfo()];
    await listEngines(client, createOutput(capture.terminal, { format: 'yaml' }));
    const body = parseYaml(capture.stdout());
    expect(body.engines[0].engine_id).toBe('engine-1');
    expect(body.engines[0].gpu_ids).toEqual([]);
  });

  it('adds label, host, memory, concurrency, created and last error with -o wide', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    client.engines = [engineInfo({ engine_label: 'chat', last_error: 'boom\nstack' })];
    await listEngines(client, createOutput(capture.terminal, { format: 'wide' }));
    const [header, row] = capture.stdout().trimEnd().split('\n');
    expect(header).toMatch(/LAST EXIT\s+LABEL\s+HOST\s+RESERVED GB\s+MAX CONC\s+CREATED\s+LAST ERROR$/);
    expect(row).toMatch(/chat\s+127\.0\.0\.1\s+0\s+256\s+2025-01-01T00:00:00\.000Z\s+boom$/);
  });
});

describe('engine list --watch', () => {
  it('prints again only when the table changed, until Ctrl-C', async () => {
    const client = new FakeManagementClient();
    const { context, raise, listenerCount, ...capture } = fakeContext({});
    client.engines = [engineInfo({ status: 'STARTING' })];
    let sleeps = 0;
    const sleep = async () => {
      sleeps += 1;
      if (sleeps === 2) client.engines = [engineInfo({ status: 'RUNNING' })];
      if (sleeps === 4) raise('SIGINT');
    };
    const output = createOutput(capture.terminal, {});
    await printOrWatch(
      context,
      output,
      { watch: true, interval: '10' },
      (buffered) => listEngines(client, buffered).then(() => {}),
      sleep,
    );
    const tables = capture
      .stdout()
      .split(/^ID/m)
      .filter((part) => part !== '');
    expect(tables).toHaveLength(2);
    expect(tables[0]).toContain('STARTING');
    expect(tables[1]).toContain('RUNNING');
    expect(client.callsOf('listEngines').length).toBe(4);
    expect(listenerCount()).toBe(0);
  });

  it('refuses a bad --interval naming the flag', async () => {
    const { context } = fakeContext({});
    await expect(
      printOrWatch(
        context,
        createOutput(captureTerminal().terminal, {}),
        { watch: true, interval: 'soon' },
        async () => {},
      ),
    ).rejects.toThrow(/--interval/);
  });
});

describe('engine describe', () => {
  it('shows every field, the command, the environment and the last error', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    client.engines = [
      engineInfo({
        env: { SAGE_ENGINE_ID: 'engine-1' },
        last_error: 'line one\nline two',
        engine_label: 'chat',
      }),
    ];
    await describeEngine(client, createOutput(capture.terminal, {}), 'engine-1');
    const text = capture.stdout();
    expect(text).toMatch(/^id:\s+engine-1$/m);
    expect(text).toMatch(/^address:\s+127\.0\.0\.1:8001$/m);
    expect(text).toMatch(/^label:\s+chat$/m);
    expect(text).toContain('command:\n  sage-engine --model sage/tiny-chat --device cpu');
    expect(text).toContain('environment:\n  SAGE_ENGINE_ID=engine-1');
    expect(text).toContain('last error:\n  line one\n  line two');
  });

  it('prints the REST body with -o json and fails with the 404 for an unknown id', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    client.engines = [engineInfo()];
    await describeEngine(client, createOutput(capture.terminal, { format: 'json' }), 'engine-1');
    expect(JSON.parse(capture.stdout())).toEqual(engineInfo());
    await expect(describeEngine(client, createOutput(capture.terminal, {}), 'nope')).rejects.toThrow(
      /no engine 'nope'/,
    );
  });
});

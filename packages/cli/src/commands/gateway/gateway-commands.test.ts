import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../__fixtures__/fake-context.js';
import { FakeManagementClient } from '../../__fixtures__/fake-management-client.js';
import { GatewayUnreachableError } from '../../errors.js';
import { EXIT_CODES } from '../../exit-codes.js';
import { readPidFile, writePidFile } from '../../gateway/pid-file.js';
import { createOutput } from '../../output/print.js';
import { buildProgram } from '../../program.js';
import { gatewayStatus } from './status.js';
import { stopGateway } from './stop.js';

async function homeWithGateway(pid: number) {
  const home = mkdtempSync(join(tmpdir(), 'sage-cli-gw-'));
  await writePidFile(join(home, 'gateway.pid'), {
    pid,
    host: '127.0.0.1',
    port: 45_678,
    url: 'http://127.0.0.1:45678/v1',
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    args: ['gateway', 'start', '--foreground', '--port', '45678'],
    logPath: join(home, 'gateway.log'),
  });
  return home;
}

describe('sage gateway stop', () => {
  it('sends SIGTERM (engines stop too), waits for the exit and removes the pid file', async () => {
    const home = await homeWithGateway(process.pid);
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const signals: string[] = [];
    let alive = true;
    const result = await stopGateway(fake.context, createOutput(fake.terminal, {}), {
      keepEngines: false,
      sleep: async () => {
        alive = false;
      },
      kill: (_pid, signal) => signals.push(signal),
      isAlive: () => alive,
    });
    expect(result).toEqual({ stopped: true, pid: process.pid });
    expect(signals).toEqual(['SIGTERM']);
    expect(await readPidFile(join(home, 'gateway.pid'))).toBeNull();
    expect(fake.stdout()).toContain('gateway and engines stopped');
  });

  it('sends SIGUSR2 with --keep-engines', async () => {
    const home = await homeWithGateway(process.pid);
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const signals: string[] = [];
    await stopGateway(fake.context, createOutput(fake.terminal, { json: true }), {
      keepEngines: true,
      kill: (_pid, signal) => signals.push(signal),
      isAlive: () => false,
    });
    expect(signals).toEqual(['SIGUSR2']);
    expect(JSON.parse(fake.stdout())).toMatchObject({ stopped: true, engines_stopped: false });
  });

  it('is not an error when nothing runs', async () => {
    const fake = fakeContext({ env: { SAGE_HOME: mkdtempSync(join(tmpdir(), 'sage-cli-gw-')) } });
    expect(await stopGateway(fake.context, createOutput(fake.terminal, {}), { keepEngines: false })).toEqual({
      stopped: false,
      pid: null,
    });
    expect(fake.stdout()).toBe('no gateway is running\n');
  });

  it('exits 1 when the gateway outlives the timeout', async () => {
    const home = await homeWithGateway(process.pid);
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    await expect(
      stopGateway(fake.context, createOutput(fake.terminal, {}), {
        keepEngines: false,
        timeoutMs: 0,
        kill: () => {},
        isAlive: () => true,
        sleep: async () => {},
      }),
    ).rejects.toMatchObject({ exitCode: EXIT_CODES.failed });
  });
});

describe('sage gateway status', () => {
  it('reports the recorded gateway, its health and engine count', async () => {
    const home = await homeWithGateway(process.pid);
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const status = await gatewayStatus(fake.context, createOutput(fake.terminal, {}), {});
    expect(fake.apiBases).toEqual(['http://127.0.0.1:45678/v1']);
    expect(status).toMatchObject({
      running: true,
      managed: true,
      healthy: true,
      pid: process.pid,
      engines: 0,
    });
    expect(fake.stdout()).toContain('gateway: http://127.0.0.1:45678/v1 (ok)');
    expect(fake.stdout()).toContain('uptime:  1m5s');
  });

  it('says which engines keep a degraded gateway from ok', async () => {
    const home = await homeWithGateway(process.pid);
    const client = new FakeManagementClient('http://127.0.0.1:45678/v1');
    client.healthAnswer = {
      status: 'degraded',
      engines_running: 1,
      engines_total: 3,
      engines: {
        'engine-1': { status: 'RUNNING', model_id: 'a' },
        'engine-2': { status: 'FAILED', model_id: 'b' },
        'engine-3': { status: 'STOPPED', model_id: 'c' },
      },
    };
    const fake = fakeContext({ env: { SAGE_HOME: home }, client });
    const status = await gatewayStatus(fake.context, createOutput(fake.terminal, {}), {});
    expect(status).toMatchObject({ running: true, healthy: true, health: 'degraded', engines_running: 1 });
    expect(fake.stdout()).toContain('(degraded: 1 of 2 engines RUNNING)');
    expect(fake.stdout()).toMatch(/not running: engine-2 FAILED\n/);
  });

  it('exits 3 with the hint when nothing answers', async () => {
    const client = new FakeManagementClient('http://127.0.0.1:1/v1');
    client.healthError = new GatewayUnreachableError('http://127.0.0.1:1/v1');
    const fake = fakeContext({ env: { SAGE_HOME: mkdtempSync(join(tmpdir(), 'sage-cli-gw-')) }, client });
    const output = createOutput(fake.terminal, { json: true });
    const error = await gatewayStatus(fake.context, output, { apiBase: 'http://127.0.0.1:1/v1' }).catch(
      (caught: unknown) => caught,
    );
    expect(GatewayUnreachableError.isInstance(error)).toBe(true);
    expect(JSON.parse(fake.stdout())).toMatchObject({
      running: false,
      healthy: false,
      url: 'http://127.0.0.1:1/v1',
    });
  });
});

describe('sage gateway logs', () => {
  const record = JSON.stringify({
    level: 30,
    time: Date.UTC(2026, 0, 1, 12, 0, 0),
    pid: 7,
    hostname: 'box',
    url: 'http://127.0.0.1:8889/v1',
    msg: 'gateway-listening',
  });

  async function logs(...args: string[]) {
    const home = mkdtempSync(join(tmpdir(), 'sage-cli-logs-'));
    writeFileSync(join(home, 'gateway.log'), `${record}\nplain line from an engine\n`);
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    await buildProgram(fake.context).parseAsync(['gateway', 'logs', ...args], { from: 'user' });
    return fake.stdout();
  }

  it('prints pino records as readable lines, other lines as they are', async () => {
    const lines = (await logs()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: gateway-listening \{"url":"http:\/\/127\.0\.0\.1:8889\/v1"\}$/,
    );
    expect(lines[0]).not.toContain('hostname');
    expect(lines[1]).toBe('plain line from an engine');
  });

  it('keeps the raw lines with --json', async () => {
    const body = JSON.parse(await logs('--json')) as { lines: string[] };
    expect(body.lines).toEqual([record, 'plain line from an engine']);
  });
});

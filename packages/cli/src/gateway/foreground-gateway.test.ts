import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@sage/testing';
import { describe, expect, it } from 'vitest';
import { fakeContext } from '../__fixtures__/fake-context.js';
import { createOutput } from '../output/print.js';
import { runForegroundGateway, validateLaunch } from './foreground-gateway.js';
import type { ForegroundGatewayStartOptions, GatewayModule } from './gateway-module.js';
import { readPidFile, writePidFile } from './pid-file.js';

function fakeGatewayModule() {
  const started: ForegroundGatewayStartOptions[] = [];
  const closed: Array<{ stopEngines?: boolean } | undefined> = [];
  const module: GatewayModule = {
    async startGateway(options) {
      started.push(options);
      return {
        url: `http://127.0.0.1:${options.port || 43_210}`,
        host: options.host ?? '127.0.0.1',
        port: options.port || 43_210,
        close: async (closeOptions) => {
          closed.push(closeOptions);
        },
      };
    },
    defaultGatewayConfig: () => ({ host: '127.0.0.1', port: 8889, logLevel: 'info' }),
    schedulingPolicyNames: ['fifo', 'adaptive'],
    async loadGatewayConfig(path) {
      if (path.endsWith('missing.yaml')) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      if (path.endsWith('bad.yaml')) throw new Error('bad.yaml:3:7: scheduling.policy: Invalid option');
      if (path.endsWith('debug.yaml')) return { host: '127.0.0.1', port: 9100, logLevel: 'debug' };
      return { host: '127.0.0.2', port: 9200, logLevel: 'info' };
    },
  };
  return { module, started, closed };
}

const eventually = (check: () => Promise<boolean>) => waitFor(check, { timeoutMs: 5_000, intervalMs: 1 });

describe('runForegroundGateway', () => {
  it('records itself in the pid file while it runs and stops its engines on SIGTERM', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sage-cli-fg-'));
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const gateway = fakeGatewayModule();
    const running = runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
      launch: { host: '127.0.0.1', port: 0, preset: 'local', policy: 'fifo', insecure: false },
      loadGatewayModule: async () => gateway.module,
    });
    await eventually(async () => (await readPidFile(join(home, 'gateway.pid'))) !== null);
    const record = await readPidFile(join(home, 'gateway.pid'));
    expect(record).toMatchObject({ pid: process.pid, port: 43_210, url: 'http://127.0.0.1:43210/v1' });
    expect(record?.args).toContain('43210');
    expect(gateway.started[0]).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      preset: expect.objectContaining({ name: 'local' }),
      policy: 'fifo',
    });
    fake.raise('SIGTERM');
    await running;
    expect(gateway.closed).toEqual([{ stopEngines: true }]);
    expect(await readPidFile(join(home, 'gateway.pid'))).toBeNull();
    expect(fake.listenerCount()).toBe(0);
    expect(fake.stdout()).toContain('gateway listening on http://127.0.0.1:43210/v1');
  });

  it('keeps the engines on SIGUSR2 (`sage gateway stop --keep-engines`)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sage-cli-fg-'));
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const gateway = fakeGatewayModule();
    const running = runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
      launch: { host: '127.0.0.1', port: 9999, insecure: false },
      loadGatewayModule: async () => gateway.module,
    });
    await eventually(async () => (await readPidFile(join(home, 'gateway.pid'))) !== null);
    fake.raise('SIGUSR2');
    await running;
    expect(gateway.closed).toEqual([{ stopEngines: false }]);
  });

  it('refuses to start beside a live gateway of the same state directory', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sage-cli-fg-'));
    await writePidFile(join(home, 'gateway.pid'), {
      pid: process.ppid,
      host: '127.0.0.1',
      port: 8889,
      url: 'http://127.0.0.1:8889/v1',
      startedAt: new Date().toISOString(),
      args: [],
      logPath: null,
    });
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const gateway = fakeGatewayModule();
    await expect(
      runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
        launch: { host: '127.0.0.1', port: 8889, insecure: false },
        loadGatewayModule: async () => gateway.module,
      }),
    ).rejects.toThrow(/a gateway is already running .*pid \d+/);
    expect(gateway.started).toHaveLength(0);
  });

  it('fails before starting anything when the policy is not registered, listing the ones that are', async () => {
    const fake = fakeContext({ env: { SAGE_HOME: mkdtempSync(join(tmpdir(), 'sage-cli-fg-')) } });
    const gateway = fakeGatewayModule();
    await expect(
      runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
        launch: { host: '127.0.0.1', port: 8889, policy: 'fastest', insecure: false },
        loadGatewayModule: async () => gateway.module,
      }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: "--policy: no scheduling policy 'fastest' (available: fifo, adaptive)",
    });
    expect(gateway.started).toHaveLength(0);
  });

  it('fails before starting anything when the preset is unknown', async () => {
    const fake = fakeContext({ env: { SAGE_HOME: mkdtempSync(join(tmpdir(), 'sage-cli-fg-')) } });
    const gateway = fakeGatewayModule();
    await expect(
      runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
        launch: { host: '127.0.0.1', port: 8889, preset: 'fastest', insecure: false },
        loadGatewayModule: async () => gateway.module,
      }),
    ).rejects.toThrow("no preset 'fastest'");
    expect(gateway.started).toHaveLength(0);
  });
});

describe('runForegroundGateway and sage.yaml', () => {
  it("passes no host or port of its own, so the config's host: and port: apply", async () => {
    const home = mkdtempSync(join(tmpdir(), 'sage-cli-fg-'));
    const fake = fakeContext({ env: { SAGE_HOME: home } });
    const gateway = fakeGatewayModule();
    const running = runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
      launch: { config: '/etc/sage.yaml', insecure: false },
      loadGatewayModule: async () => gateway.module,
    });
    await eventually(async () => (await readPidFile(join(home, 'gateway.pid'))) !== null);
    fake.raise('SIGTERM');
    await running;
    expect(gateway.started[0]).toEqual({
      config: '/etc/sage.yaml',
      insecure: false,
      signal: expect.any(AbortSignal),
    });
  });

  it("with a default log level (`llm serve`) keeps the file's values and a level the file sets", async () => {
    for (const [config, level] of [
      ['/etc/sage.yaml', 'warn'],
      ['/etc/debug.yaml', 'debug'],
    ] as const) {
      const home = mkdtempSync(join(tmpdir(), 'sage-cli-fg-'));
      const fake = fakeContext({ env: { SAGE_HOME: home } });
      const gateway = fakeGatewayModule();
      const running = runForegroundGateway(fake.context, createOutput(fake.terminal, {}), {
        launch: { config, insecure: false },
        defaultLogLevel: 'warn',
        loadGatewayModule: async () => gateway.module,
      });
      await eventually(async () => (await readPidFile(join(home, 'gateway.pid'))) !== null);
      fake.raise('SIGTERM');
      await running;
      expect(gateway.started[0]?.config).toMatchObject({ logLevel: level });
      expect(gateway.started[0]).not.toHaveProperty('port');
    }
  });
});

describe('validateLaunch', () => {
  const base = { host: '127.0.0.1', port: 8889, insecure: false };
  const load = async () => fakeGatewayModule().module;

  it('checks --policy against the registry of the gateway module', async () => {
    await expect(validateLaunch({ ...base, policy: 'fifo' }, load)).resolves.toEqual({});
    await expect(validateLaunch({ ...base, policy: 'round_robin' }, load)).rejects.toMatchObject({
      exitCode: 2,
      message: "--policy: no scheduling policy 'round_robin' (available: fifo, adaptive)",
    });
  });

  it("accepts a built-in preset and a valid config, and returns the file's address", async () => {
    await expect(
      validateLaunch({ ...base, preset: 'local', config: '/etc/sage.yaml' }, load),
    ).resolves.toEqual({ host: '127.0.0.2', port: 9200 });
    await expect(validateLaunch({ insecure: false, preset: 'local' }, load)).resolves.toEqual({});
  });

  it('names the flag of a missing file and passes config errors through', async () => {
    await expect(validateLaunch({ ...base, config: '/x/missing.yaml' }, load)).rejects.toThrow(
      '--config: no such file: /x/missing.yaml',
    );
    await expect(validateLaunch({ ...base, config: '/x/bad.yaml' }, load)).rejects.toThrow('bad.yaml:3:7');
    await expect(validateLaunch({ ...base, presetFile: '/x/none.yaml' }, load)).rejects.toThrow(
      '--preset-file: no such file: /x/none.yaml',
    );
    await expect(validateLaunch({ ...base, preset: 'fastest' }, load)).rejects.toThrow("no preset 'fastest'");
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakeEnginePath } from '@sage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineExitEvent, EngineLifecycleManager } from '../src/lifecycle/engine-lifecycle-manager.js';
import { isPidAlive } from '../src/lifecycle/process-tree.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { temporaryStateDir, testPortRange, waitFor } from './fake-engine-backend.js';

const stateDir = temporaryStateDir();
const ports = new PortAllocator({ stateDir, ...testPortRange(0) });
const lifecycle = new EngineLifecycleManager({
  stopTimeoutMs: 500,
  healthCheckTimeoutMs: 1000,
  home: stateDir,
});

async function spawnFake(engineId: string, flags: string[] = [], kind: 'llm' | 'embedding' = 'llm') {
  const port = await ports.allocate(kind, { owner: engineId });
  const logPath = join(stateDir, `${engineId}.log`);
  const child = await lifecycle.launch({
    engineId,
    backend: 'fake',
    modelId: 'fake/model',
    argv: [process.execPath, fakeEnginePath, '--port', String(port), ...flags],
    env: { PATH: process.env.PATH ?? '' },
    ownEnv: {},
    host: '127.0.0.1',
    port,
    kind,
    gpuIds: [],
    device: 'cpu',
    healthPaths: kind === 'llm' ? ['/health', '/v1/models'] : ['/health'],
    logPath,
    nonce: `nonce-${engineId}`,
  });
  return { child, port, logPath };
}

afterEach(async () => {
  await lifecycle.stopAll();
  for (const port of ports.reservations().keys()) await ports.release(port);
});

describe('EngineLifecycleManager with real processes', () => {
  it('reports a started engine healthy, and unhealthy after kill -9, with the real exit signal', async () => {
    const { child } = await spawnFake('kill-me');
    await waitFor(() => lifecycle.healthCheck('kill-me'));
    const exits: EngineExitEvent[] = [];
    lifecycle.on('engine-exit', (event) => exits.push(event));
    process.kill(child.pid as number, 'SIGKILL');
    await waitFor(() => exits.length === 1);
    expect(exits[0]).toMatchObject({
      engineId: 'kill-me',
      generation: child.generation,
      exit: { signal: 'SIGKILL', class: 'killed', retry: true },
    });
    expect(await lifecycle.healthCheck('kill-me')).toBe(false);
    expect(lifecycle.isAlive('kill-me')).toBe(false);
  });

  it('answers false for unknown engines', async () => {
    expect(await lifecycle.healthCheck('nope')).toBe(false);
    expect(await lifecycle.healthCheckAll()).not.toHaveProperty('nope');
  });

  it('does not let /v1/models overrule a loading /health', async () => {
    await spawnFake('loading', ['--slow-start-ms', '60000']);
    await waitFor(async () => {
      const port = [...ports.reservations()].find(([, owner]) => owner === 'loading')?.[0];
      return fetch(`http://127.0.0.1:${port}/v1/models`).then(
        (response) => response.ok,
        () => false,
      );
    });
    expect(await lifecycle.healthCheck('loading')).toBe(false);
  });

  it('captures the engine output in its log file and tails it', async () => {
    const { logPath } = await spawnFake('logger');
    await waitFor(() => lifecycle.healthCheck('logger'));
    expect(readFileSync(logPath, 'utf8')).toMatch(/listening on 127\.0\.0\.1/);
    expect((await lifecycle.logTail('logger', 5)).join('\n')).toMatch(/listening on/);
  });

  it('stop kills the whole process group, grandchildren that ignore SIGTERM included', async () => {
    const { child, logPath } = await spawnFake('tree', ['--spawn-child', '--ignore-sigterm']);
    await waitFor(() => /CHILD_PID=\d+/.test(readFileSync(logPath, 'utf8')));
    const grandchild = Number(/CHILD_PID=(\d+)/.exec(readFileSync(logPath, 'utf8'))?.[1]);
    expect(isPidAlive(grandchild)).toBe(true);
    const exit = await lifecycle.stop('tree');
    expect(exit).toMatchObject({ signal: 'SIGKILL', class: 'stopped' });
    expect(isPidAlive(child.pid as number)).toBe(false);
    await waitFor(() => !isPidAlive(grandchild), 5_000);
  });

  it('reports an engine that cannot start with its exit code', async () => {
    const exits: EngineExitEvent[] = [];
    lifecycle.on('engine-exit', (event) => exits.push(event));
    await spawnFake('refuses', ['--exit-at-start', '3']);
    await waitFor(() => exits.some((event) => event.engineId === 'refuses'));
    expect(exits.find((event) => event.engineId === 'refuses')?.exit.exitCode).toBe(3);
    expect((await lifecycle.logTail('refuses', 5)).join('\n')).toMatch(/refusing to start/);
  });

  it('marks the process with the engine id, the launch nonce and the state directory, and finds it by them', async () => {
    const { child } = await spawnFake('marked');
    await waitFor(() => lifecycle.healthCheck('marked'));
    const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('SAGE_ENGINE_ID=marked');
    expect(environ).toContain('SAGE_ENGINE_NONCE=nonce-marked');
    expect(environ).toContain(`SAGE_ENGINE_HOME=${stateDir}`);
    const running = await lifecycle.list();
    const found = running.find((launch) => launch.engineId === 'marked');
    expect(found).toMatchObject({ nonce: 'nonce-marked', pid: child.pid, complete: true });
    expect(found?.handle.processStart).toBe(child.handle.processStart);
    expect(
      lifecycle.identify({ engineId: 'marked', nonce: 'nonce-marked', handle: { pid: child.pid } }, running),
    ).toMatchObject({ verdict: 'same', running: { pid: child.pid } });
  });

  it('stop also kills a child that left the process group (setsid), found by its marker', async () => {
    const { logPath } = await spawnFake('escapee', ['--spawn-detached-child']);
    await waitFor(() => /DETACHED_CHILD_PID=\d+/.test(readFileSync(logPath, 'utf8')));
    const escaped = Number(/DETACHED_CHILD_PID=(\d+)/.exec(readFileSync(logPath, 'utf8'))?.[1]);
    expect(isPidAlive(escaped)).toBe(true);
    await lifecycle.stop('escapee');
    await waitFor(() => !isPidAlive(escaped), 5_000);
  });

  it('stops a frozen engine (SIGSTOP) at once with SIGKILL instead of waiting out the stop timeout', async () => {
    const { child } = await spawnFake('frozen');
    await waitFor(() => lifecycle.healthCheck('frozen'));
    process.kill(child.pid as number, 'SIGSTOP');
    await waitFor(() => lifecycle.sample(['frozen']).get('frozen')?.frozen === true);
    const started = Date.now();
    const exit = await lifecycle.stop('frozen', { timeoutMs: 30_000 });
    expect(exit?.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(isPidAlive(child.pid as number)).toBe(false);
  });

  it('reports the memory of the process tree', async () => {
    await spawnFake('memory', ['--spawn-child']);
    await waitFor(() => lifecycle.healthCheck('memory'));
    const usage = lifecycle.sample(['memory'], ['memory']).get('memory');
    // Two Node processes: well over 20 MB resident together.
    expect(usage?.rssBytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(usage?.frozen).toBe(false);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineInfoWire } from '@sage/protocol';
import { waitFor as waitForCondition } from '@sage/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/gateway/pid-file.js';
import { assertBuilt, freePort, jsonOf, runSage, sageBinPath, temporarySageHome } from './sage-process.js';

/**
 * End to end: `sage gateway start --foreground` (Ctrl-C stops engines), `sage gateway stop
 * --keep-engines` and `sage gateway restart`, each in its own temporary SAGE_HOME.
 */

/** Zombie-aware: an engine reparented to a slow-reaping PID 1 is dead once it exits. */
const isAlive = (pid: number) => isProcessAlive(pid);

const waitFor = (check: () => Promise<boolean> | boolean, timeoutMs = 20_000) =>
  waitForCondition(check, { timeoutMs, intervalMs: 50 });

async function setup() {
  const { home, configPath } = temporarySageHome();
  const env: NodeJS.ProcessEnv = { ...process.env, SAGE_HOME: home, SAGE_CONTROL_PLANE_URL: '' };
  const port = await freePort();
  const apiBase = `http://127.0.0.1:${port}/v1`;
  const sage = (...args: string[]) => runSage(args, env);
  const startEngine = async () => {
    const result = await sage(
      'llm',
      'engine',
      'start',
      'fake/chat',
      '--backend',
      'fake',
      '--no-gpu',
      '--wait',
      '--json',
      '--api-base',
      apiBase,
    );
    expect(result.code, result.stderr).toBe(0);
    return jsonOf<EngineInfoWire>(result);
  };
  const listEngines = async () =>
    jsonOf<{ engines: EngineInfoWire[] }>(
      await sage('llm', 'engine', 'list', '--json', '--api-base', apiBase),
    ).engines;
  return { home, configPath, env, port, apiBase, sage, startEngine, listEngines };
}

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(() => assertBuilt());

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('sage gateway start --foreground', () => {
  it('serves until Ctrl-C, then stops its engines and removes the pid file', async () => {
    const context = await setup();
    cleanups.push(() => context.sage('gateway', 'stop'));
    const child = spawn(
      process.execPath,
      [
        sageBinPath,
        'gateway',
        'start',
        '--foreground',
        '--port',
        String(context.port),
        '--config',
        context.configPath,
      ],
      { env: context.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('gateway listening on'));
    expect(output).toContain(`gateway listening on ${context.apiBase} (pid ${child.pid})`);
    const status = jsonOf(await context.sage('gateway', 'status', '--json'));
    expect(status).toMatchObject({ running: true, managed: true, pid: child.pid });

    const engine = await context.startEngine();
    expect(isAlive(engine.pid!)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('gateway and engines stopped');
    expect(isAlive(engine.pid!)).toBe(false);
    expect(existsSync(join(context.home, 'gateway.pid'))).toBe(false);
  });
});

describe('sage gateway stop --keep-engines and restart', () => {
  it('keeps engines across a restart on the same port, then stop stops them', async () => {
    const context = await setup();
    cleanups.push(() => context.sage('gateway', 'stop'));
    const started = await context.sage(
      'gateway',
      'start',
      '--port',
      String(context.port),
      '--config',
      context.configPath,
    );
    expect(started.code, started.stderr).toBe(0);
    const engine = await context.startEngine();

    const restarted = await context.sage('gateway', 'restart', '--keep-engines', '--json');
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(jsonOf(restarted)).toMatchObject({ running: true, port: context.port, url: context.apiBase });
    expect(isAlive(engine.pid!)).toBe(true);
    await waitFor(async () =>
      (await context.listEngines()).some(
        (candidate) => candidate.engine_id === engine.engine_id && candidate.status === 'RUNNING',
      ),
    );

    const kept = await context.sage('gateway', 'stop', '--keep-engines');
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('engines still running');
    expect(isAlive(engine.pid!)).toBe(true);

    // A new gateway over the same state directory adopts the engine; a plain stop ends it.
    const again = await context.sage(
      'gateway',
      'start',
      '--port',
      String(context.port),
      '--config',
      context.configPath,
    );
    expect(again.code, again.stderr).toBe(0);
    const stopped = await context.sage('gateway', 'stop');
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor(() => !isAlive(engine.pid!));
  });
});

describe('sage.yaml port and finding the gateway', () => {
  it("binds the config's port: and every command finds the gateway through SAGE_HOME", async () => {
    const context = await setup();
    cleanups.push(() => context.sage('gateway', 'stop'));
    appendFileSync(context.configPath, `port: ${context.port}\n`);
    const started = await context.sage('gateway', 'start', '--config', context.configPath, '--json');
    expect(started.code, started.stderr).toBe(0);
    expect(jsonOf(started)).toMatchObject({ port: context.port, url: context.apiBase });
    // No --api-base: the pid file of SAGE_HOME says where the gateway is.
    const listed = await context.sage('llm', 'engine', 'list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonOf(listed)).toEqual({ engines: [] });
    const status = await context.sage('llm', 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_ENGINE_FLAGS, fakeEngineBackendOptions } from '@sage/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, sageBinPath } from './sage-process.js';

/**
 * Ctrl-C during `sage llm serve` start-up, with real processes: the preset's fake engines never
 * become ready (they load for a minute), so start-up is still under way when the signals come.
 */

/** Live (non-zombie) processes carrying the engine marker of `home`, read from /proc. */
function markedProcesses(home: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`SAGE_ENGINE_HOME=${home}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A SAGE_HOME with the fake backend and a preset of two engines that load for a minute. */
function serveSetup(engineFlags: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'sage-cli-interrupt-'));
  const configPath = join(home, 'sage.yaml');
  writeFileSync(
    configPath,
    [
      'log_level: warn',
      'health:',
      '  readiness_poll_ms: 50',
      '  stop_timeout_ms: 20000',
      'backends:',
      '  - name: fake',
      `    command: ${JSON.stringify(fakeEngineBackendOptions.command)}`,
      '    startup_timeout_ms: 120000',
      'engines:',
      `  allowed_extra_args: { fake: ${JSON.stringify(FAKE_ENGINE_FLAGS)} }`,
      '',
    ].join('\n'),
  );
  const presetPath = join(home, 'slow.yaml');
  const engine = (name: string) =>
    [
      `  - name: ${name}`,
      `    model: fake/${name}`,
      '    kind: llm',
      '    backend: fake',
      '    use_gpu: false',
      `    extra_args: ${JSON.stringify(['--slow-start-ms', '60000', ...engineFlags])}`,
    ].join('\n');
  writeFileSync(
    presetPath,
    ['version: 1', 'name: slow', 'engines:', engine('one'), engine('two'), ''].join('\n'),
  );
  return { home, configPath, presetPath };
}

const children: ChildProcess[] = [];
const homes: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const home of homes.splice(0)) {
    for (const pid of markedProcesses(home)) process.kill(pid, 'SIGKILL');
  }
});

async function serveUntilEnginesSpawned(engineFlags: string[]) {
  const setup = serveSetup(engineFlags);
  homes.push(setup.home);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      sageBinPath,
      'llm',
      'serve',
      '--preset',
      setup.presetPath,
      '--config',
      setup.configPath,
      '--port',
      String(port),
    ],
    { env: { ...process.env, SAGE_HOME: setup.home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await waitFor(() => markedProcesses(setup.home).length >= 2, 'the preset engines to be spawned');
  return { child, home: setup.home, exited, output: () => output };
}

beforeAll(() => {
  assertBuilt();
});

describe('Ctrl-C during sage llm serve start-up', () => {
  it('twice: exits at once and leaves no engine running (they ignore SIGTERM, so the first stop is still waiting)', async () => {
    const serve = await serveUntilEnginesSpawned(['--ignore-sigterm']);
    const pids = markedProcesses(serve.home);
    serve.child.kill('SIGINT');
    await waitFor(() => serve.output().includes('again to force'), 'the first Ctrl-C to be handled');
    const forcedAt = Date.now();
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(1);
    expect(Date.now() - forcedAt).toBeLessThan(5_000);
    expect(serve.output()).toContain('again: exiting without waiting for engines');
    await waitFor(() => markedProcesses(serve.home).length === 0, 'no engine process left', 5_000);
    expect(pids.length).toBeGreaterThanOrEqual(2);
  });

  it('once: stops the gateway and every engine it started, then exits 0', async () => {
    const serve = await serveUntilEnginesSpawned([]);
    serve.child.kill('SIGINT');
    expect(await serve.exited).toBe(0);
    expect(serve.output()).toContain('stopped during start-up: gateway and engines stopped');
    expect(markedProcesses(serve.home)).toEqual([]);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_ENGINE_FLAGS, fakeEngineBackendOptions } from '@sage/testing';

/** The built `sage` bin: end-to-end tests run what users run. */
export const sageBinPath = fileURLToPath(new URL('../dist/bin/sage.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(sageBinPath)) {
    throw new Error(`${sageBinPath} is missing: run \`pnpm --filter @sage/cli build\` first`);
  }
}

export interface SageResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node sage.js …args` (an argv array, never a shell string) and collect its output. */
export function runSage(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  options: { input?: string } = {},
): Promise<SageResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [sageBinPath, ...args], {
      env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sage ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parse stdout as JSON, showing the whole output when it is not. */
export function jsonOf<T = Record<string, unknown>>(result: SageResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A temporary SAGE_HOME with a `sage.yaml` that declares the `fake` backend (the fake engine
 * from `@sage/testing`) and fast restarts, so failing engines reach FAILED in well under a second.
 */
export function temporarySageHome(): { home: string; configPath: string } {
  const home = mkdtempSync(join(tmpdir(), 'sage-cli-e2e-'));
  const configPath = join(home, 'sage.yaml');
  const command = fakeEngineBackendOptions.command;
  writeFileSync(
    configPath,
    [
      'log_level: warn',
      'health:',
      '  readiness_poll_ms: 50',
      // Two quick restarts: an engine that exits at start is FAILED within a second, while one
      // health check missed on a loaded machine does not fail a healthy engine.
      '  max_restart_attempts: 2',
      '  restart_backoff_base_ms: 50',
      'backends:',
      '  - name: fake',
      `    command: ${JSON.stringify(command)}`,
      '    startup_timeout_ms: 20000',
      'engines:',
      `  allowed_extra_args: { fake: ${JSON.stringify(FAKE_ENGINE_FLAGS)} }`,
      '',
    ].join('\n'),
  );
  return { home, configPath };
}

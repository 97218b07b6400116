import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitUntilHealthy as waitUntilHealthyAt } from '@sage/testing';

/** The built bin: integration tests run what users run (`npx turbo run build --filter=@sage/engine` first). */
export const ENGINE_BIN = fileURLToPath(new URL('../dist/bin/sage-engine.js', import.meta.url));

export interface EngineProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Parsed JSON log lines from stdout. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function assertEngineBuilt(): void {
  if (!existsSync(ENGINE_BIN)) {
    throw new Error(`${ENGINE_BIN} is missing: run \`npx turbo run build --filter=@sage/engine\` first`);
  }
}

/** A temporary SAGE_HOME, removed by the returned function. */
export async function temporarySageHome(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'sage-engine-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Spawn the built engine (argv array, no shell) and wait for its `engine listening` log line. */
export function spawnEngine(args: string[], sageHome: string): Promise<EngineProcess> {
  const child = spawn(process.execPath, [ENGINE_BIN, '--port', '0', ...args], {
    env: { ...process.env, SAGE_HOME: sageHome, SAGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'engine listening') {
        const port = entry.port as number;
        resolve({
          child,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          logs,
          stderr: () => stderr,
          exited,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then(({ code }) =>
      reject(new Error(`engine exited (code ${code}) before listening: ${stderr}`)),
    );
  });
}

/** Poll until `check` returns a value (no fixed sleeps): `@sage/testing`'s helper. */
export { pollUntil } from '@sage/testing';

/**
 * Poll `/health` until 200, returning every status seen. A refused or reset connection while the
 * model loads is "not yet" (the shared helper in `@sage/testing`), never a failure.
 */
export function waitUntilHealthy(baseUrl: string): Promise<number[]> {
  // A tiny model loads in about a second on a quiet machine, but over 15 s on a 2-core box that
  // other processes keep busy: wait up to just under the 60 s hook timeout.
  return waitUntilHealthyAt(`${baseUrl}/health`, { timeoutMs: 50_000 });
}

/** One sample of a Prometheus metric (labels matched as a substring). */
export async function readMetric(baseUrl: string, name: string, labelText = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(name) && candidate.includes(labelText));
  if (!line) throw new Error(`metric ${name} ${labelText} not found in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** POST JSON (or raw text) and return status, headers and parsed body. */
export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

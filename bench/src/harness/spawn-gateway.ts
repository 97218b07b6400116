import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { GatewayMessage, GatewaySpec, ReadyEngine } from './gateway-spec.js';

const entry = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/** A gateway running in its own process. */
export interface GatewayProcess {
  url: string;
  pid: number;
  engines: ReadyEngine[];
  /** Headers of a management request: the gateway's local admin token. */
  managementHeaders: Record<string, string>;
  /** ms from each engine's start request to RUNNING, in the order of the spec. */
  coldStartMs: number[];
  /** Engine state changes seen since start, oldest first. */
  states: Extract<GatewayMessage, { type: 'state' }>[];
  /** Resolves at the first state change that satisfies `match`, at or after index `from`. */
  waitForState(
    match: (state: Extract<GatewayMessage, { type: 'state' }>) => boolean,
    options?: { from?: number; timeoutMs?: number },
  ): Promise<Extract<GatewayMessage, { type: 'state' }>>;
  close(): Promise<void>;
}

/**
 * Start `gateway-process.ts` in a child process (through tsx) and wait for its `ready` line.
 * The child's own log goes to /dev/null unless `SAGE_BENCH_VERBOSE` is set. `nodeArgs` go to the
 * child's node (e.g. `--cpu-prof`).
 */
export async function spawnGateway(
  spec: GatewaySpec,
  options: { nodeArgs?: string[] } = {},
): Promise<GatewayProcess> {
  const verbose = process.env.SAGE_BENCH_VERBOSE !== undefined;
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', tsxLoader, entry],
    {
      env: { ...process.env, SAGE_BENCH_GATEWAY: JSON.stringify(spec) },
      stdio: ['ignore', verbose ? 'inherit' : 'ignore', 'inherit', 'pipe'],
    },
  );
  const states: Extract<GatewayMessage, { type: 'state' }>[] = [];
  const listeners = new Set<() => void>();
  const lines = createInterface({ input: child.stdio[3] as Readable });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<Extract<GatewayMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`gateway process exited with ${code} before it was ready`)),
    );
    lines.on('line', (line) => {
      const message = JSON.parse(line) as GatewayMessage;
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'error') reject(new Error(`gateway process failed: ${message.message}`));
      else {
        states.push(message);
        for (const listener of listeners) listener();
      }
    });
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  let message: Extract<GatewayMessage, { type: 'ready' }>;
  try {
    message = await ready;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: message.url,
    pid: message.pid,
    managementHeaders: message.adminToken ? { authorization: `Bearer ${message.adminToken}` } : {},
    engines: message.engines,
    coldStartMs: message.coldStartMs,
    states,
    waitForState(match, options = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = states.slice(options.from ?? 0).find(match);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching engine state change within ${options.timeoutMs ?? 60_000}ms`));
        }, options.timeoutMs ?? 60_000);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    close,
  };
}

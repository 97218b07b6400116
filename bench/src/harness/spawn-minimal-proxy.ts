import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./minimal-proxy.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/** A baseline proxy running in its own process. */
export interface BaselineProxy {
  url: string;
  /** The processes whose CPU counts as the proxy's. */
  pids(): number[];
  close(): Promise<void>;
}

/** Start `minimal-proxy.ts` in a child process, routing each path to its origin. */
export async function spawnMinimalProxy(routes: Record<string, string>): Promise<BaselineProxy> {
  const child: ChildProcess = spawn(process.execPath, ['--import', tsxLoader, entry], {
    env: { ...process.env, SAGE_BENCH_PROXY_ROUTES: JSON.stringify(routes) },
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) =>
        reject(new Error(`the minimal proxy exited with ${code} before it listened`)),
      );
      createInterface({ input: child.stdio[3] as Readable }).once('line', (line) => resolve(Number(line)));
    });
    return { url: `http://127.0.0.1:${port}`, pids: () => [child.pid as number], close };
  } catch (error) {
    await close();
    throw error;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, waitForHttp } from './wait.js';

const require = createRequire(import.meta.url);

/** The Portkey AI gateway (`@portkey-ai/gateway`, offline, headless) as a peer in its own process. */
export interface PortkeyProcess {
  url: string;
  pid: number;
  /** Headers that route a request to an OpenAI-compatible engine at `engineUrl` (`http://host:port`). */
  headers(route: 'chat' | 'embeddings', engineUrl: string): Record<string, string>;
  close(): Promise<void>;
}

function startServerPath(): string {
  const manifest = require.resolve('@portkey-ai/gateway/package.json');
  return join(dirname(manifest), 'build', 'start-server.js');
}

/**
 * Start Portkey's gateway on a free port (`--port=N --headless`) and wait until it answers.
 * Chat goes through its `openai` provider with `x-portkey-custom-host: <engine>/v1`. Its
 * `openai` provider fails every embeddings request in 1.15.2 (a 500 "immutable" header error
 * when it passes the engine's response through), so embeddings use the `together-ai`
 * provider, which speaks the same OpenAI embeddings shape against `x-portkey-custom-host`.
 */
export async function startPortkey(): Promise<PortkeyProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [startServerPath(), `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${url}/`, 30_000),
      exited.then(() => {
        throw new Error(`the Portkey gateway exited before it answered on port ${port}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid as number,
    headers: (route, engineUrl) => ({
      authorization: 'Bearer unused',
      'x-portkey-provider': route === 'chat' ? 'openai' : 'together-ai',
      'x-portkey-custom-host': route === 'chat' ? `${engineUrl}/v1` : engineUrl,
    }),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

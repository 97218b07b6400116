import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fakeEnginePath } from '@sage/testing';
import { describe, expect, it } from 'vitest';
import { isPidAlive } from '../src/lifecycle/process-tree.js';
import { temporaryStateDir, waitFor } from './fake-engine-backend.js';

// A separate process embeds a manager (built dist) with stopEnginesOnExit, starts an engine,
// and is then killed without close(): its engine must not outlive it.
const distIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const script = `
import { ControlPlaneManager, createCustomBackend, PortAllocator } from ${JSON.stringify(distIndex)};
const stateDir = process.argv[1];
const backend = createCustomBackend({ name: 'fake', command: [process.execPath, ${JSON.stringify(fakeEnginePath)}, '--port', '{port}'] });
const manager = new ControlPlaneManager({ stateDir, customBackends: [backend], stopEnginesOnExit: true,
  ports: new PortAllocator({ stateDir, preferred: { llm: [27301], embedding: [27302] }, fallbackRange: { start: 27303, end: 27340 } }) });
await manager.start();
const engine = await manager.requestEngineStartup('fake/model', { backend: 'fake', useGpu: false });
await manager.waitForEngine(engine.engineId, { timeoutMs: 10000 });
process.stdout.write('ENGINE_PID=' + engine.pid + '\\n');
setInterval(() => {}, 1000);
`;

describe('stopEnginesOnExit', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the engines when the embedding process gets %s',
    async (signal) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, temporaryStateDir()], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      await waitFor(() => /ENGINE_PID=\d+/.test(output), 20_000);
      const enginePid = Number(/ENGINE_PID=(\d+)/.exec(output)?.[1]);
      expect(isPidAlive(enginePid)).toBe(true);
      const exited = new Promise((resolve) => child.once('exit', (_code, exitSignal) => resolve(exitSignal)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      await waitFor(() => !isPidAlive(enginePid), 5_000);
    },
  );
});

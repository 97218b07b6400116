import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertEngineBuilt, ENGINE_BIN, temporarySageHome } from './engine-process.js';

let home: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  assertEngineBuilt();
  home = await temporarySageHome();
});

afterAll(async () => {
  await home?.remove();
});

/** Run the engine to completion and collect its exit code and output. */
function runEngine(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [ENGINE_BIN, ...args], {
    env: { ...process.env, SAGE_HOME: home.path, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('sage-engine start-up failures', () => {
  it('exits 78 with a clear CUDA message when --device cuda cannot be used, never falling back to CPU', async () => {
    const result = await runEngine(['--model', 'sage/tiny-chat', '--port', '0', '--device', 'cuda'], {
      CUDA_VISIBLE_DEVICES: '0',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('CUDA is unavailable');
    expect(result.stderr).toContain('ignoredOptionalDependencies');
    expect(result.stdout).not.toContain('engine ready');
  });

  it('exits 2 naming the flags when the command line is invalid', async () => {
    const result = await runEngine(['--model', 'sage/tiny-chat', '--port', 'abc', '--threads', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port');
    expect(result.stderr).toContain('--threads');
  });

  it('exits 2 listing the accepted forms when the model spec names nothing loadable', async () => {
    const result = await runEngine(['--model', 'gpt-4', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sage/tiny-chat');
    expect(result.stderr).toContain('.gguf');
  });

  it('exits 66 (not startable: no such model) when a .gguf path does not exist', async () => {
    const result = await runEngine(['--model', '/nonexistent/model.gguf', '--port', '0']);
    expect(result.code).toBe(66);
    expect(result.stderr).toContain('no such file');
  });

  it('exits 65 (not startable: bad model file) at once for garbage after a valid GGUF magic, before llama.cpp loads it', async () => {
    const path = join(home.path, 'garbage.gguf');
    const bytes = Buffer.alloc(8 * 1024 * 1024);
    for (let index = 0; index < bytes.length; index += 4)
      bytes.writeUInt32LE((index * 2654435761) >>> 0, index);
    bytes.write('GGUF', 0, 'ascii');
    bytes.writeUInt32LE(3, 4);
    await writeFile(path, bytes);
    const result = await runEngine(['--model', path, '--port', '0']);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain(`model file ${path} cannot be loaded`);
    expect(result.stdout).not.toContain('engine ready');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor as waitForCondition } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, freePort, jsonOf, runSage, sageBinPath } from './sage-process.js';

/**
 * End to end: the README's run command, `sage llm serve`, on the offline `local` preset (the tiny
 * `sage` engines on CPU), then `sage llm chat` and `sage llm embed` through
 * `UnifiedInferenceClient.create()`, then Ctrl-C.
 */

const home = mkdtempSync(join(tmpdir(), 'sage-cli-serve-'));
const env: NodeJS.ProcessEnv = { ...process.env, SAGE_HOME: home, SAGE_CONTROL_PLANE_URL: '' };
let serve: ChildProcess;
let output = '';
let apiBase = '';

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  try {
    await waitForCondition(
      () => {
        if (serve.exitCode !== null) throw new Error(`it exited with ${serve.exitCode}`);
        return check();
      },
      { timeoutMs, intervalMs: 50 },
    );
  } catch (error) {
    throw new Error(`sage llm serve did not get ready (${(error as Error).message}):\n${output}`);
  }
}

beforeAll(async () => {
  assertBuilt();
  const port = await freePort();
  apiBase = `http://127.0.0.1:${port}/v1`;
  serve = spawn(process.execPath, [sageBinPath, 'llm', 'serve', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  serve.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitFor(() => output.includes('Ctrl-C stops the gateway and its engines.'));
});

afterAll(() => {
  if (serve.exitCode === null) serve.kill('SIGKILL');
});

describe('sage llm serve', () => {
  it('prints the URL and a curl example once the local preset is RUNNING', () => {
    expect(output).toContain(`ready: ${apiBase} (preset local)`);
    expect(output).toContain(`curl ${apiBase}/chat/completions`);
    expect(output).toMatch(/sage\/tiny-chat\s+llm\s+sage\s+RUNNING/);
    expect(output).toMatch(/sage\/tiny-embed\s+embedding\s+sage\s+RUNNING/);
  });

  it('answers sage llm chat (plain and streamed) and sage llm embed', async () => {
    const chat = await runSage(['llm', 'chat', 'Hello!', '--api-base', apiBase, '--json'], env);
    expect(chat.code, chat.stderr).toBe(0);
    expect(jsonOf<{ object: string }>(chat).object).toBe('chat.completion');

    const streamed = await runSage(
      ['llm', 'chat', 'Hello!', '--stream', '--json', '--api-base', apiBase],
      env,
    );
    expect(streamed.code, streamed.stderr).toBe(0);
    const chunks = streamed.stdout.trim().split('\n');
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(JSON.parse(chunk).object).toBe('chat.completion.chunk');

    const embed = await runSage(['llm', 'embed', 'vector me', '--api-base', apiBase, '--json'], env);
    expect(embed.code, embed.stderr).toBe(0);
    const body = jsonOf<{ model: string; embeddings: number[][] }>(embed);
    expect(body.model).toBe('sage/tiny-embed');
    expect(body.embeddings[0]?.length).toBeGreaterThan(0);

    const unknown = await runSage(
      ['llm', 'chat', 'Hello!', '--model', 'no/such-model', '--api-base', apiBase],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('model_not_found');
  });

  it('holds a conversation on stdin: several turns, /history, /exit; prints no control characters', async () => {
    const result = await runSage(['llm', 'chat', '--api-base', apiBase], env, 60_000, {
      input: 'Hello!\nAnd again?\n/history\n/exit\nnot sent\n',
    });
    expect(result.code, result.stderr).toBe(0);
    const history = result.stdout.slice(result.stdout.indexOf('user: Hello!'));
    expect(history).toMatch(/^user: Hello!\nassistant: [\s\S]*\nuser: And again\?\nassistant: /);
    expect(result.stdout).not.toContain('not sent');
    // The tiny model writes random tokens: whatever they are, no control character reaches the terminal.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('stops the gateway and its engines on Ctrl-C', async () => {
    const engines = jsonOf<{ engines: Array<{ pid: number }> }>(
      await runSage(['llm', 'engine', 'list', '--json', '--api-base', apiBase], env),
    ).engines;
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    serve.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const engine of engines) {
      expect(() => process.kill(engine.pid, 0)).toThrow();
    }
    const after = await runSage(['llm', 'chat', 'Hello!', '--api-base', apiBase], env);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain(`no gateway at ${apiBase}`);
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadPresetFile } from '@sage/presets';
import { startGateway } from '@sage/server';
import { describe, expect, it } from 'vitest';

// Every example runs for real against the tiny offline models (STYLE G17).
const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const tsx = join(root, 'node_modules/.bin/tsx');

async function runExample(file: string, env: Record<string, string> = {}) {
  const sageHome = mkdtempSync(join(tmpdir(), 'sage-example-'));
  return run(tsx, [join(root, 'examples', file)], {
    cwd: join(root, 'examples'),
    env: { ...process.env, SAGE_HOME: sageHome, SAGE_LOG_LEVEL: 'warn', ...env },
    timeout: 120_000,
  });
}

describe('examples', () => {
  it.each(['client/basic.ts', 'client/streaming.ts', 'client/embeddings.ts'])(
    '%s runs and exits 0',
    async (file) => {
      const { stdout } = await runExample(file);
      expect(stdout.length).toBeGreaterThan(0);
    },
  );

  it('client/remote.ts talks to a running gateway', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sage-example-gateway-'));
    const gateway = await startGateway({ port: 0, preset: 'local', managerOptions: { stateDir } });
    try {
      // SAGE_HOME of the gateway: the client reads its local admin token there for status().
      const { stdout } = await runExample('client/remote.ts', {
        SAGE_CONTROL_PLANE_URL: `${gateway.url}/v1`,
        SAGE_HOME: stateDir,
      });
      expect(stdout.length).toBeGreaterThan(0);
    } finally {
      await gateway.close();
    }
  });

  it('custom-backend/sage.yaml starts a gateway whose engine runs the custom command', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sage-example-custom-'));
    const previous = process.cwd();
    process.chdir(root);
    try {
      const gateway = await startGateway({
        port: 0,
        config: join(root, 'examples/custom-backend/sage.yaml'),
        managerOptions: { stateDir },
      });
      try {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'demo/echo', messages: [{ role: 'user', content: 'echo me' }] }),
        });
        const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
        expect(response.status).toBe(200);
        expect(body.choices[0]?.message.content).toBe('echo me');
        expect(gateway.manager.listEngines()[0]).toMatchObject({ backend: 'echo', status: 'RUNNING' });
      } finally {
        await gateway.close();
      }
    } finally {
      process.chdir(previous);
    }
  });

  it('presets/cpu-only.yaml brings up its engines, served by label and by model', async () => {
    const preset = await loadPresetFile(join(root, 'examples/presets/cpu-only.yaml'));
    // The example pins port 8001; CI machines may use it, so let the allocator choose.
    const engines = preset.engines.map(({ port: _port, ...engine }) => engine);
    const stateDir = mkdtempSync(join(tmpdir(), 'sage-example-preset-'));
    const gateway = await startGateway({
      port: 0,
      preset: { ...preset, engines },
      managerOptions: { stateDir },
    });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${gateway.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const chat = await post('/v1/chat/completions', {
        model: 'cpu-chat',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 4,
      });
      expect(chat.status).toBe(200);
      const embeddings = await post('/v1/embeddings', { model: 'sage/tiny-embed', input: 'hi' });
      expect(embeddings.status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('client/remote.ts exits non-zero with the start-a-gateway hint when no gateway answers', async () => {
    const failure = await runExample('client/remote.ts', {
      SAGE_CONTROL_PLANE_URL: 'http://127.0.0.1:9/v1',
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toMatch(/sage gateway start/);
  });
});

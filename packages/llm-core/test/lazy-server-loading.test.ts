import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiTestServer } from './helpers/openai-test-server.js';

const run = promisify(execFile);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('remote mode never loads the gateway', () => {
  let server: OpenAiTestServer;
  let workDir: string;
  beforeAll(async () => {
    server = await new OpenAiTestServer().listen();
    workDir = await mkdtemp(join(tmpdir(), 'sage-llm-core-lazy-'));
  });
  afterAll(async () => {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('resolves neither @sage/server nor its dependencies during a whole remote session', async () => {
    const log = join(workDir, 'resolutions.log');
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        join(fixtures, 'record-resolutions.mjs'),
        join(fixtures, 'remote-mode-session.ts'),
      ],
      {
        cwd: repositoryRoot,
        env: { ...process.env, CONTROL_PLANE_URL: server.url, RESOLUTION_LOG: log },
        timeout: 30_000,
      },
    );
    expect(stdout).toContain('SESSION_OK');
    const resolved = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    // The hook sees the client's own imports (proof that it records package resolutions)…
    expect(resolved).toContain('@sage/protocol');
    expect(resolved).toContain('undici');
    // …and nothing of the gateway, the control plane or the presets.
    const serverSide = resolved.filter((entry) =>
      /@sage\/(server|control-plane|presets)|packages\/(server|control-plane|presets)\/|\/hono\/|@hono\/|^pino$|\/pino\//.test(
        entry,
      ),
    );
    expect(serverSide).toEqual([]);
  });
});

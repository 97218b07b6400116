import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_DEFAULTS } from '../defaults.js';
import { readPidFile, writePidFile } from '../gateway/pid-file.js';
import { findGateway } from './find-gateway.js';

async function homeWithGateway(pid: number): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'sage-cli-find-'));
  await writePidFile(join(home, 'gateway.pid'), {
    pid,
    host: '127.0.0.1',
    port: 40_123,
    url: 'http://127.0.0.1:40123/v1',
    startedAt: new Date().toISOString(),
    args: [],
    logPath: null,
  });
  return home;
}

describe('findGateway', () => {
  it('tries --api-base, then SAGE_CONTROL_PLANE_URL, then the pid file of SAGE_HOME, then the default', async () => {
    const home = await homeWithGateway(process.pid);
    const env = { SAGE_HOME: home, SAGE_CONTROL_PLANE_URL: 'http://10.0.0.5:9000/v1/' };
    expect(await findGateway('http://127.0.0.1:1234/v1', env)).toEqual({
      apiBase: 'http://127.0.0.1:1234/v1',
      source: 'flag',
    });
    expect(await findGateway(undefined, env)).toEqual({ apiBase: 'http://10.0.0.5:9000/v1', source: 'env' });
    expect(await findGateway(undefined, { SAGE_HOME: home })).toEqual({
      apiBase: 'http://127.0.0.1:40123/v1',
      source: 'pid-file',
    });
    const empty = mkdtempSync(join(tmpdir(), 'sage-cli-find-'));
    expect(await findGateway(undefined, { SAGE_HOME: empty })).toEqual({
      apiBase: CLI_DEFAULTS.apiBase,
      source: 'default',
    });
  });

  it('ignores and removes the record of a gateway that is gone', async () => {
    const home = await homeWithGateway(2 ** 22 + 4_321);
    expect((await findGateway(undefined, { SAGE_HOME: home })).source).toBe('default');
    expect(await readPidFile(join(home, 'gateway.pid'))).toBeNull();
  });

  it('names the flag or the variable of a bad URL', async () => {
    await expect(findGateway('ftp://x', {})).rejects.toThrow(/^--api-base: /);
    await expect(findGateway(undefined, { SAGE_CONTROL_PLANE_URL: 'nope' })).rejects.toThrow(
      /^SAGE_CONTROL_PLANE_URL: /,
    );
  });
});

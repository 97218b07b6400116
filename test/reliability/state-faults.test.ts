import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from '@sage/server';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isPidAlive,
  managementHeaders,
  type ReliabilityGateway,
  reliabilityManagerOptions,
  startReliabilityGateway,
  temporaryStateDir,
  waitFor,
} from './support/reliability-gateway.js';

const SLOT = 13;
const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function management(gateway: ReliabilityGateway, method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.url}/v1/management${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...managementHeaders(gateway) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { error?: { message: string; code: string }; status?: string },
  };
}

describe('faults of the state directory', () => {
  it('an unwritable state directory answers 503 with the path; a stop still completes and the record is written later', async () => {
    const gateway = await startReliabilityGateway(SLOT);
    gateways.push(gateway);
    const engine = await gateway.startEngine('fake/state');
    const registryPath = join(gateway.stateDir, 'registry.json');
    const logs = join(gateway.stateDir, 'logs');
    // The registry is saved in the background after a start; wait until the engine is on disk so
    // the fault below replaces a real file rather than racing the first save.
    await waitFor(
      () => existsSync(registryPath) && readFileSync(registryPath, 'utf8').includes(engine.engineId),
      20_000,
    );
    // Root ignores permissions, so the faults are made of files where directories belong and back.
    rmSync(registryPath, { force: true });
    mkdirSync(join(registryPath, 'blocker'), { recursive: true });
    renameSync(logs, `${logs}.moved`);
    writeFileSync(logs, 'not a directory');

    const start = await management(gateway, 'POST', '/engines', {
      model_id: 'fake/more',
      backend: 'fake',
      use_gpu: false,
    });
    expect(start.status).toBe(503);
    expect(start.retryAfter).not.toBeNull();
    expect(start.body.error?.code).toBe('state_directory_unwritable');
    expect(start.body.error?.message).toContain(logs);

    const stop = await management(gateway, 'DELETE', `/engines/${engine.engineId}`);
    expect(stop.status).toBe(503);
    expect(stop.body.error?.message).toContain(registryPath);
    expect(stop.body.error?.message).toContain(`engine ${engine.engineId} is stopped`);
    // Never left STOPPING: the process is gone and the engine is STOPPED.
    const after = await management(gateway, 'GET', `/engines/${engine.engineId}`);
    expect(after.body.status).toBe('STOPPED');
    expect(isPidAlive(engine.pid as number)).toBe(false);

    // Once the directory is writable again, the registry catches up on its own.
    rmSync(registryPath, { recursive: true });
    rmSync(logs);
    renameSync(`${logs}.moved`, logs);
    await waitFor(
      () => existsSync(registryPath) && readFileSync(registryPath, 'utf8').includes('"STOPPED"'),
      20_000,
    );
  });

  it.each([
    ['a version it does not read', JSON.stringify({ version: 99, engines: [] }), /its version 99 is not one/],
    ['garbage', '\u0000garbage{', /it is not JSON/],
    [
      'a record of the wrong shape',
      JSON.stringify({ version: 1, engines: [{ engineId: 'engine-1', status: 'DANCING' }] }),
      /engines\[0\] \(engine-1\)/,
    ],
  ])(
    'refuses to start over a registry with %s, naming the file and the fix',
    async (_name, text, problem) => {
      const stateDir = temporaryStateDir();
      writeFileSync(join(stateDir, 'registry.json'), text);
      const error = await startGateway({
        config: {
          ...(await import('@sage/server')).defaultGatewayConfig(),
          host: '127.0.0.1',
          port: 0,
          logLevel: 'silent',
        },
        managerOptions: reliabilityManagerOptions(SLOT, { stateDir }),
      }).catch((caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe('RegistryFileError');
      expect((error as Error).message).toContain(join(stateDir, 'registry.json'));
      expect((error as Error).message).toMatch(problem);
      expect((error as Error).message).toContain('mv ');
    },
  );
});

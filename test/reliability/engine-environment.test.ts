import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuMockEnv,
  type ReliabilityGateway,
  startReliabilityGateway,
} from './support/reliability-gateway.js';

// Issue 12, item 5: engines inherited the gateway's admin keys (SAGE_API_KEYS) and every other
// variable of its environment. The fake engine reports the names of its variables.

const ADMIN_KEY = 'sk-admin-engine-env-0123';
let gateway: ReliabilityGateway;
beforeAll(async () => {
  gateway = await startReliabilityGateway(16, {
    config: { apiKeys: [{ key: ADMIN_KEY, admin: true }] },
    managerOptions: {
      env: {
        ...gpuMockEnv(),
        SAGE_API_KEYS: ADMIN_KEY,
        SAGE_API_KEY: ADMIN_KEY,
        AWS_SECRET_ACCESS_KEY: 'aws-secret',
        DATABASE_URL: 'postgres://user:password@db/app',
        HF_HOME: '/tmp/hf-home',
        MYAPP_CACHE: '/tmp/cache',
      },
      passEnv: ['MYAPP_*'],
    },
  });
});
afterAll(async () => {
  await gateway?.close();
});

describe('engine environments', () => {
  it('come from an allow-list: a spawned engine sees no gateway key and no unrelated secret', async () => {
    const engine = await gateway.startEngine('fake/env');
    const response = await fetch(`http://127.0.0.1:${engine.port}/debug/env`, {
      signal: AbortSignal.timeout(5000),
    });
    const { names } = (await response.json()) as { names: string[] };
    for (const secret of ['SAGE_API_KEYS', 'SAGE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL']) {
      expect(names, secret).not.toContain(secret);
    }
    // What engines need still arrives, and what the operator added.
    expect(names).toEqual(expect.arrayContaining(['PATH', 'HF_HOME', 'MYAPP_CACHE', 'CUDA_VISIBLE_DEVICES']));
    // The management API's view of the engine shows no key either.
    const info = gateway.gateway.manager.getEngine(engine.engineId);
    expect(JSON.stringify(info)).not.toContain(ADMIN_KEY);
  });
});

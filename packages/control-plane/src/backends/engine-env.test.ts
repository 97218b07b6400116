import { describe, expect, it } from 'vitest';
import { buildEngineEnv, GATEWAY_SECRET_VARIABLES, isPassedToEngines } from './engine-env.js';

const gatewayEnv: NodeJS.ProcessEnv = {
  PATH: '/usr/bin',
  HOME: '/home/sage',
  LC_ALL: 'C.UTF-8',
  CUDA_HOME: '/usr/local/cuda',
  HF_TOKEN: 'hf_engine_own_token',
  SAGE_API_KEYS: 'sk-admin-secret',
  SAGE_API_KEY: 'sk-client-secret',
  SAGE_LOG_LEVEL: 'debug',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  DATABASE_URL: 'postgres://user:password@db/app',
  NODE_OPTIONS: '--inspect',
  MYAPP_MODEL_CACHE: '/cache',
};

describe('buildEngineEnv', () => {
  it('passes only allowed variables: no gateway keys, no unrelated secrets', () => {
    const env = buildEngineEnv(gatewayEnv, {});
    expect(Object.keys(env).sort()).toEqual([
      'CUDA_HOME',
      'HF_TOKEN',
      'HOME',
      'LC_ALL',
      'PATH',
      'SAGE_LOG_LEVEL',
    ]);
  });

  it('passes what the operator adds, by name or prefix, but never the gateway keys', () => {
    const env = buildEngineEnv(gatewayEnv, {}, ['MYAPP_*', 'DATABASE_URL', 'SAGE_*']);
    expect(env.MYAPP_MODEL_CACHE).toBe('/cache');
    expect(env.DATABASE_URL).toBeDefined();
    for (const name of GATEWAY_SECRET_VARIABLES) expect(env[name]).toBeUndefined();
    expect(isPassedToEngines('SAGE_API_KEYS', ['SAGE_API_KEYS'])).toBe(false);
  });

  it("applies the backend's own variables on top, removing those set to undefined", () => {
    const env = buildEngineEnv(gatewayEnv, { CUDA_VISIBLE_DEVICES: '', HOME: undefined, EXTRA: '1' });
    expect(env.CUDA_VISIBLE_DEVICES).toBe('');
    expect(env.EXTRA).toBe('1');
    expect('HOME' in env).toBe(false);
  });
});

import { ValidationError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { toManagerOptions } from './manager-options.js';
import { defaultGatewayConfig, resolveGatewayConfig } from './resolve-gateway-config.js';

describe('resolveGatewayConfig', () => {
  it('is the defaults without file, environment or overrides', () => {
    expect(resolveGatewayConfig({})).toEqual(defaultGatewayConfig());
    expect(defaultGatewayConfig()).toMatchObject({
      host: '127.0.0.1',
      port: 8889,
      apiKeys: [],
      corsOrigins: [],
    });
  });

  it('layers file ← environment ← overrides, merging sections', () => {
    const config = resolveGatewayConfig(
      {
        SAGE_GATEWAY_PORT: '9100',
        SAGE_SCHEDULING_POLICY: 'priority',
        SAGE_LOG_LEVEL: 'warn',
        SAGE_HOME: '/srv/sage',
      },
      { port: 9000, host: '0.0.0.0', scheduling: { queueCapacity: 5, policy: 'fifo' } },
      { host: '127.0.0.2' },
    );
    expect(config).toMatchObject({
      port: 9100,
      host: '127.0.0.2',
      logLevel: 'warn',
      stateDir: '/srv/sage',
      scheduling: { queueCapacity: 5, policy: 'priority' },
    });
  });

  it('adds SAGE_API_KEYS as admin keys to the file keys', () => {
    const config = resolveGatewayConfig(
      { SAGE_API_KEYS: ' sk-env-one , ,sk-env-two' },
      {
        apiKeys: [{ key: 'sk-file-user', admin: false }],
      },
    );
    expect(config.apiKeys.map((apiKey) => [apiKey.key, apiKey.admin])).toEqual([
      ['sk-file-user', false],
      ['sk-env-one', true],
      ['sk-env-two', true],
    ]);
  });

  it('names the environment variable or option that is invalid', () => {
    expect(() => resolveGatewayConfig({ SAGE_GATEWAY_PORT: 'eighty' })).toThrow(/SAGE_GATEWAY_PORT/);
    expect(() => resolveGatewayConfig({ SAGE_LOG_LEVEL: 'loud' })).toThrow(ValidationError);
    try {
      resolveGatewayConfig({}, undefined, { port: Number.NaN });
      expect.unreachable();
    } catch (error) {
      expect(ValidationError.isInstance(error) && error.path).toBe('port');
    }
  });
});

describe('toManagerOptions', () => {
  it('maps health, scheduling, state and custom backends to manager options, leaving unset ones out', () => {
    const config = resolveGatewayConfig(
      {},
      {
        stateDir: '/tmp/sage-state',
        health: { intervalMs: 500, requestFailureThreshold: 3 },
        scheduling: { policy: 'fifo', parameters: { sloAware: { urgencyThreshold: 0.5 } } },
        backends: [{ name: 'echo', command: ['echo', '{model}'] }],
      },
    );
    const options = toManagerOptions(config);
    expect(options).toMatchObject({
      stateDir: '/tmp/sage-state',
      gatewayPort: 8889,
      healthCheckIntervalMs: 500,
      scheduling: { policy: 'fifo', policyParameters: { sloAware: { urgencyThreshold: 0.5 } } },
    });
    expect('autoRestart' in options).toBe(false);
    expect(options.customBackends?.map((backend) => backend.name)).toEqual(['echo']);
  });
});

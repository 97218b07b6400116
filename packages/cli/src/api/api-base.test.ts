import { describe, expect, it } from 'vitest';
import { CLI_DEFAULTS } from '../defaults.js';
import { apiBaseFor, gatewayUrls, resolveApiBase } from './api-base.js';

describe('resolveApiBase', () => {
  it('prefers --api-base, then SAGE_CONTROL_PLANE_URL, then the default', () => {
    const env = { SAGE_CONTROL_PLANE_URL: 'http://10.0.0.5:9000/v1' };
    expect(resolveApiBase('http://127.0.0.1:1234/v1', env)).toBe('http://127.0.0.1:1234/v1');
    expect(resolveApiBase(undefined, env)).toBe('http://10.0.0.5:9000/v1');
    expect(resolveApiBase(undefined, {})).toBe(CLI_DEFAULTS.apiBase);
  });

  it('names the environment variable when it holds a bad URL', () => {
    expect(() => resolveApiBase(undefined, { SAGE_CONTROL_PLANE_URL: 'not a url' })).toThrow(
      /^SAGE_CONTROL_PLANE_URL: /,
    );
  });
});

describe('gatewayUrls', () => {
  it('puts management under the API base and /health beside /v1', () => {
    expect(gatewayUrls('http://127.0.0.1:8889/v1/')).toEqual({
      apiBase: 'http://127.0.0.1:8889/v1',
      management: 'http://127.0.0.1:8889/v1/management',
      health: 'http://127.0.0.1:8889/health',
    });
  });
});

describe('apiBaseFor', () => {
  it('reaches a wildcard bind address on loopback and brackets IPv6', () => {
    expect(apiBaseFor('0.0.0.0', 8889)).toBe('http://127.0.0.1:8889/v1');
    expect(apiBaseFor('::1', 8889)).toBe('http://[::1]:8889/v1');
    expect(apiBaseFor('gpu-box', 80)).toBe('http://gpu-box:80/v1');
  });
});

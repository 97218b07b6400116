import { DEFAULT_CONTROL_PLANE_URL } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { healthUrlOf, normalizeControlPlaneUrl } from './control-plane-url.js';
import { resolveConnection } from './resolve-connection.js';

describe('resolveConnection', () => {
  it('uses controlPlaneUrl when given', () => {
    expect(resolveConnection({ controlPlaneUrl: 'http://gpu-box:9000/v1' }, {})).toEqual({
      mode: 'remote',
      baseUrl: 'http://gpu-box:9000/v1',
      source: 'option',
    });
  });

  it('starts an embedded control plane for embedded: true', () => {
    expect(resolveConnection({ embedded: true }, { SAGE_CONTROL_PLANE_URL: 'http://ignored:1/v1' })).toEqual({
      mode: 'embedded',
    });
  });

  it('falls back to SAGE_CONTROL_PLANE_URL, then to the default URL', () => {
    expect(resolveConnection({}, { SAGE_CONTROL_PLANE_URL: 'http://10.0.0.5:8889/v1/' })).toEqual({
      mode: 'remote',
      baseUrl: 'http://10.0.0.5:8889/v1',
      source: 'environment',
    });
    expect(resolveConnection({}, { SAGE_CONTROL_PLANE_URL: '  ' })).toEqual({
      mode: 'remote',
      baseUrl: DEFAULT_CONTROL_PLANE_URL,
      source: 'default',
    });
    expect(resolveConnection({ embedded: false }, {})).toMatchObject({ baseUrl: 'http://127.0.0.1:8889/v1' });
  });

  it('rejects controlPlaneUrl together with embedded: true, naming both options', () => {
    expect(() => resolveConnection({ controlPlaneUrl: 'http://x:1/v1', embedded: true }, {})).toThrow(
      TypeError,
    );
    expect(() => resolveConnection({ controlPlaneUrl: 'http://x:1/v1', embedded: true }, {})).toThrow(
      /controlPlaneUrl.*embedded: true/,
    );
  });

  it('rejects URLs that are not http(s), naming where they came from', () => {
    expect(() => resolveConnection({ controlPlaneUrl: 'gpu-box:8889' }, {})).toThrow(/controlPlaneUrl/);
    expect(() => resolveConnection({}, { SAGE_CONTROL_PLANE_URL: 'not a url' })).toThrow(
      /SAGE_CONTROL_PLANE_URL/,
    );
  });
});

describe('control-plane URLs', () => {
  it('adds /v1 to a URL without a path and strips trailing slashes', () => {
    expect(normalizeControlPlaneUrl('http://gpu-box:8889', 'x')).toBe('http://gpu-box:8889/v1');
    expect(normalizeControlPlaneUrl('https://proxy.example/sage/v1///', 'x')).toBe(
      'https://proxy.example/sage/v1',
    );
  });

  it('finds /health one level above /v1', () => {
    expect(healthUrlOf('http://127.0.0.1:8889/v1')).toBe('http://127.0.0.1:8889/health');
    expect(healthUrlOf('https://proxy.example/sage/v1')).toBe('https://proxy.example/sage/health');
  });
});

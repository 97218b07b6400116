import { describe, expect, it } from 'vitest';
import { UnifiedInferenceClient } from './unified-inference-client.js';

// The one file that names the removed entry points: it proves they are gone.
describe('UnifiedInferenceClient: create() is the only entry point', () => {
  it('has no createAuto and no createWithControlPlane', () => {
    const statics = UnifiedInferenceClient as unknown as Record<string, unknown>;
    expect(statics.createAuto).toBeUndefined();
    expect(statics.createWithControlPlane).toBeUndefined();
    expect(typeof UnifiedInferenceClient.create).toBe('function');
  });

  it('exposes create() and nothing else as a static member', () => {
    const own = Object.getOwnPropertyNames(UnifiedInferenceClient).filter(
      (name) => !['length', 'name', 'prototype'].includes(name),
    );
    expect(own).toEqual(['create']);
  });

  it('has no SIMPLE mode', async () => {
    const statics = UnifiedInferenceClient as unknown as Record<string, unknown>;
    expect(statics.SIMPLE).toBeUndefined();
    expect(statics.Mode).toBeUndefined();
    await expect(UnifiedInferenceClient.create({ mode: 'SIMPLE' } as never)).rejects.toThrow(
      /unknown option `mode`/,
    );
  });

  it('throws a TypeError pointing to create() for new UnifiedInferenceClient()', () => {
    const Constructor = UnifiedInferenceClient as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Constructor()).toThrow(TypeError);
    expect(() => new Constructor()).toThrow(/UnifiedInferenceClient\.create\(/);
    expect(() => new Constructor(Symbol('UnifiedInferenceClient.create'), {})).toThrow(TypeError);
    expect(() => new Constructor({ controlPlaneUrl: 'http://127.0.0.1:8889/v1' })).toThrow(TypeError);
  });

  it('rejects controlPlaneUrl together with embedded: true before touching the network', async () => {
    await expect(
      UnifiedInferenceClient.create({ controlPlaneUrl: 'http://127.0.0.1:1/v1', embedded: true }),
    ).rejects.toThrow(/`controlPlaneUrl` and `embedded: true` exclude each other/);
  });
});

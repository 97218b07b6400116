import { describe, expect, it } from 'vitest';
import { validateOptions } from './validate-options.js';

describe('validateOptions', () => {
  it('accepts every documented option', () => {
    expect(() =>
      validateOptions({
        embedded: true,
        defaultLlmModel: 'sage/tiny-chat',
        defaultEmbeddingModel: 'sage/tiny-embed',
        schedulingPolicy: 'fifo',
        timeoutMs: 1000,
        preset: 'local',
        apiKey: 'k',
        stateDir: '/tmp/x',
      }),
    ).not.toThrow();
  });

  it('names an unknown option and lists the valid ones', () => {
    expect(() => validateOptions({ mode: 'remote' } as never)).toThrow(
      /unknown option `mode` \(valid options: controlPlaneUrl, embedded,/,
    );
  });

  it('rejects a non-positive timeout', () => {
    expect(() => validateOptions({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => validateOptions({ timeoutMs: Number.NaN })).toThrow(TypeError);
  });

  it('rejects embedded-only options without embedded: true', () => {
    expect(() => validateOptions({ preset: 'local' })).toThrow(/`preset` applies to embedded mode only/);
    expect(() => validateOptions({ stateDir: '/tmp' })).toThrow(/`stateDir`/);
  });
});

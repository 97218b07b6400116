import { describe, expect, it } from 'vitest';
import { formatModelRef, isPullableModelId, parseModelRef } from './model-ref.js';

describe('parseModelRef', () => {
  it.each([
    ['hf:org/repo/model-Q4_K_M.gguf', {}, 'hf:org/repo/model-Q4_K_M.gguf#main'],
    ['hf:org/repo/dir/model.gguf#v1.0', {}, 'hf:org/repo/dir/model.gguf#v1.0'],
    ['hf:org/repo:Q4_K_M', {}, 'hf:org/repo:Q4_K_M#main'],
    ['org/repo', { quant: 'Q8_0', revision: 'refs/pr/1' }, 'hf:org/repo:Q8_0#refs/pr/1'],
    ['org/repo/model.gguf', {}, 'hf:org/repo/model.gguf#main'],
    ['https://example.com/m.gguf#frag', {}, 'https://example.com/m.gguf'],
    ['http://127.0.0.1:9/m.gguf', {}, 'http://127.0.0.1:9/m.gguf'],
  ])('%s %j → %s', (ref, options, canonical) => {
    expect(formatModelRef(parseModelRef(ref, options))).toBe(canonical);
  });

  it.each([
    ['hf:org/../x.gguf', 'ref'],
    ['hf:org/repo/../../etc/passwd', 'ref'],
    ['hf:org/repo/.hidden/x.gguf', 'ref'],
    ['hf:org/repo//x.gguf', 'ref'],
    ['/etc/passwd', 'ref'],
    ['../models/x.gguf', 'ref'],
    ['hf:org', 'ref'],
    ['org/repo\\x.gguf', 'ref'],
    ['http://example.com/m.gguf', 'ref'],
    ['file:///etc/passwd', 'ref'],
    ['https://user:pw@example.com/m.gguf', 'ref'],
    ['hf:org/repo#../x', 'revision'],
    ['hf:org/repo:Q4 _K', 'ref'],
  ])('refuses %s (field %s)', (ref, field) => {
    expect(() => parseModelRef(ref)).toThrow(expect.objectContaining({ path: field }));
  });

  it('refuses options that contradict the reference', () => {
    expect(() => parseModelRef('hf:o/r:Q4_K_M', { quant: 'Q8_0' })).toThrow(/contradicts/);
    expect(() => parseModelRef('hf:o/r#dev', { revision: 'main' })).toThrow(/contradicts/);
    expect(() => parseModelRef('hf:o/r/m.gguf', { quant: 'Q8_0' })).toThrow(/not a file/);
  });

  it('knows which model ids the cache pulls', () => {
    expect(isPullableModelId('hf:o/r:Q4_K_M')).toBe(true);
    expect(isPullableModelId('https://x/m.gguf')).toBe(true);
    expect(isPullableModelId('Qwen/Qwen2.5-0.5B-Instruct')).toBe(false);
    expect(isPullableModelId('/srv/models/m.gguf')).toBe(false);
  });
});

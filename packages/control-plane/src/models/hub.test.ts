import { describe, expect, it } from 'vitest';
import { chooseGgufFile, hubFileUrl, hubSettings, quantOf } from './hub.js';

const file = (path: string) => ({ path, size: 1, sha256: undefined });

describe('the hub', () => {
  it.each([
    ['Qwen2.5-0.5B-Instruct-Q4_K_M.gguf', 'Q4_K_M'],
    ['qwen2.5-0.5b-instruct-q8_0.gguf', 'Q8_0'],
    ['model.IQ3_XS.gguf', 'IQ3_XS'],
    ['model-f16.gguf', 'F16'],
    ['model-Q4_K_M-00001-of-00002.gguf', 'Q4_K_M'],
    ['model.gguf', undefined],
  ])('reads the quantisation of %s', (name, quant) => {
    expect(quantOf(name)).toBe(quant);
  });

  it('chooses one .gguf, leaving out projectors and split files', () => {
    const files = [
      'README.md',
      'm-Q4_K_M.gguf',
      'm-Q8_0.gguf',
      'mmproj-m-f16.gguf',
      'm-Q2_K-00001-of-00002.gguf',
    ].map(file);
    expect(chooseGgufFile(files, 'q4_k_m', 'o/r', 'hf:o/r').path).toBe('m-Q4_K_M.gguf');
    expect(chooseGgufFile([file('only.gguf')], undefined, 'o/r', 'hf:o/r').path).toBe('only.gguf');
    expect(() => chooseGgufFile(files, undefined, 'o/r', 'hf:o/r')).toThrow(/available: Q4_K_M, Q8_0/);
    expect(() => chooseGgufFile(files, 'Q2_K', 'o/r', 'hf:o/r')).toThrow(
      /no \.gguf file for quantisation Q2_K/,
    );
    expect(() => chooseGgufFile([file('a-00001-of-00002.gguf')], undefined, 'o/r', 'hf:o/r')).toThrow(
      /split/,
    );
  });

  it('honours models.hub_endpoint over HF_ENDPOINT over the default, and reads HF_TOKEN', () => {
    expect(hubSettings({}).endpoint).toBe('https://huggingface.co');
    expect(hubSettings({ HF_ENDPOINT: 'https://hf-mirror.com/' }).endpoint).toBe('https://hf-mirror.com');
    expect(hubSettings({ HF_ENDPOINT: 'https://a' }, 'https://b').endpoint).toBe('https://b');
    expect(hubSettings({ HF_TOKEN: 'hf_x' }).token).toBe('hf_x');
    expect(hubSettings({ HUGGING_FACE_HUB_TOKEN: 'hf_y' }).token).toBe('hf_y');
  });

  it('builds resolve URLs with each segment encoded', () => {
    expect(hubFileUrl('https://hub', 'o/r', 'refs/pr/1', 'dir/m q.gguf')).toBe(
      'https://hub/o/r/resolve/refs%2Fpr%2F1/dir/m%20q.gguf',
    );
  });
});

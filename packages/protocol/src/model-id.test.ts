import { describe, expect, it } from 'vitest';
import { parseEngineStartRequest } from './engine.js';
import { isModelPath, modelIdProblem } from './model-id.js';

describe('modelIdProblem', () => {
  it.each([
    'Qwen/Qwen2.5-0.5B-Instruct',
    'BAAI/bge-m3',
    'gpt2',
    'sage/tiny-chat',
    'hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
    'hf:owner/repo/sub/model.Q4.gguf',
    'hf:owner/repo#main',
    '/models/chat.gguf',
    './chat.gguf',
    '../models/qwen',
    'https://example.com/models/qwen-q4_k_m.gguf',
  ])('accepts %s', (modelId) => {
    expect(modelIdProblem(modelId)).toBeUndefined();
  });

  it.each([
    ['org/m; rm -rf ~', 'whitespace'],
    ['x;id', 'shell metacharacters'],
    ['$(id)', 'shell metacharacters'],
    ['`id`', 'shell metacharacters'],
    ['a|b', 'shell metacharacters'],
    ['--trust-remote-code', "must not start with '-'"],
    ['-x', "must not start with '-'"],
    ['org/m\u0000', 'control characters'],
    ['org/m\nx', 'control characters'],
    ['org/../x', "'..' segments"],
    ['a/b/c', 'repository id'],
    ['hf:nope', 'hf: URI'],
    ['https://example.com/m.gguf?x=1', 'shell metacharacters'],
    ['x'.repeat(2000), 'at most'],
  ])('refuses %j (%s)', (modelId, message) => {
    expect(modelIdProblem(modelId)).toContain(message);
  });

  it('tells paths from repository ids', () => {
    expect(isModelPath('/m')).toBe(true);
    expect(isModelPath('m.GGUF')).toBe(true);
    expect(isModelPath('hf:o/r/m.gguf')).toBe(false);
    expect(isModelPath('https://example.com/m.gguf')).toBe(false);
    expect(isModelPath('org/name')).toBe(false);
  });

  it('is part of the engine start request schema, naming model_id', () => {
    expect(() => parseEngineStartRequest({ model_id: 'org/m; reboot' })).toThrow(
      /model_id: model_id must not/,
    );
    expect(() => parseEngineStartRequest({ model_id: 'org/m', extra_args: ['--x\n--host'] })).toThrow(
      /extra_args.0: must not contain control characters/,
    );
  });
});

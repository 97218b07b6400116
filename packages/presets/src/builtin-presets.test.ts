import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET_NAME, getBuiltinPreset, listBuiltinPresets } from './builtin-presets.js';
import { UnknownPresetError } from './errors.js';
import { PresetSchema } from './preset-schema.js';

describe('built-in presets', () => {
  it('lists the four built-ins, the default first', () => {
    expect(listBuiltinPresets().map((preset) => preset.name)).toEqual([
      'local',
      'qwen-lite',
      'qwen-mini-with-embeddings',
      'bge-m3-gpu',
    ]);
    expect(DEFAULT_PRESET_NAME).toBe('local');
  });

  it.each(listBuiltinPresets().map((preset) => [preset.name, preset] as const))(
    '%s validates',
    (_name, preset) => {
      expect(PresetSchema.parse(preset)).toEqual(preset);
      expect(preset.description).toBeTruthy();
    },
  );

  it('local runs offline on CPU: two sage engines with use_gpu false', () => {
    const local = getBuiltinPreset('local');
    expect(
      local.engines.map((engine) => [engine.model, engine.kind, engine.backend, engine.use_gpu]),
    ).toEqual([
      ['sage/tiny-chat', 'llm', 'sage', false],
      ['sage/tiny-embed', 'embedding', 'sage', false],
    ]);
  });

  it('qwen presets use vLLM for the LLM and hf-embed for embeddings', () => {
    expect(getBuiltinPreset('qwen-lite').engines).toMatchObject([
      { model: 'Qwen/Qwen2.5-0.5B-Instruct', kind: 'llm', backend: 'vllm' },
    ]);
    expect(getBuiltinPreset('qwen-mini-with-embeddings').engines).toMatchObject([
      { model: 'Qwen/Qwen2.5-1.5B-Instruct', kind: 'llm', backend: 'vllm' },
      { model: 'BAAI/bge-small-zh-v1.5', kind: 'embedding', backend: 'hf-embed' },
    ]);
  });

  it('bge-m3-gpu asks for a GPU for its embedding engine', () => {
    expect(getBuiltinPreset('bge-m3-gpu').engines).toMatchObject([
      { model: 'BAAI/bge-m3', kind: 'embedding', backend: 'hf-embed', use_gpu: true },
    ]);
  });

  it('returns fresh copies, so callers cannot change the built-ins', () => {
    const first = getBuiltinPreset('local');
    first.engines.pop();
    expect(getBuiltinPreset('local').engines).toHaveLength(2);
  });

  it('throws UnknownPresetError listing the built-ins for any other name', () => {
    expect(() => getBuiltinPreset('constructor')).toThrow(
      "no preset 'constructor' (available: local, qwen-lite, qwen-mini-with-embeddings, bge-m3-gpu)",
    );
    try {
      getBuiltinPreset('fast');
    } catch (error) {
      expect(UnknownPresetError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ preset: 'fast', available: expect.arrayContaining(['local']) });
    }
  });
});

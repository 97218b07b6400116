import { UnknownPresetError } from './errors.js';
import { type Preset, type PresetInput, PresetSchema } from './preset-schema.js';

/** The preset used when none is named: two tiny CPU engines that run anywhere, offline. */
export const DEFAULT_PRESET_NAME = 'local';

const local: PresetInput = {
  version: 1,
  name: DEFAULT_PRESET_NAME,
  description: "Two tiny engines on the project's own sage backend, on CPU: runs anywhere, offline.",
  engines: [
    { name: 'chat', model: 'sage/tiny-chat', kind: 'llm', backend: 'sage', use_gpu: false },
    { name: 'embed', model: 'sage/tiny-embed', kind: 'embedding', backend: 'sage', use_gpu: false },
  ],
};

const qwenLite: PresetInput = {
  version: 1,
  name: 'qwen-lite',
  description: 'Qwen2.5 0.5B Instruct on vLLM (one GPU).',
  engines: [{ name: 'chat', model: 'Qwen/Qwen2.5-0.5B-Instruct', kind: 'llm', backend: 'vllm' }],
};

const qwenMiniWithEmbeddings: PresetInput = {
  version: 1,
  name: 'qwen-mini-with-embeddings',
  description: 'Qwen2.5 1.5B Instruct on vLLM (GPU) and bge-small-zh embeddings on hf-embed (CPU).',
  engines: [
    { name: 'chat', model: 'Qwen/Qwen2.5-1.5B-Instruct', kind: 'llm', backend: 'vllm' },
    { name: 'embed', model: 'BAAI/bge-small-zh-v1.5', kind: 'embedding', backend: 'hf-embed' },
  ],
};

const bgeM3Gpu: PresetInput = {
  version: 1,
  name: 'bge-m3-gpu',
  description: 'BAAI/bge-m3 embeddings on hf-embed, on a GPU (use_gpu: true).',
  engines: [{ name: 'embed', model: 'BAAI/bge-m3', kind: 'embedding', backend: 'hf-embed', use_gpu: true }],
};

/** Built-in presets in listing order; the default comes first. */
const BUILTIN_PRESETS: readonly PresetInput[] = [local, qwenLite, qwenMiniWithEmbeddings, bgeM3Gpu];

/**
 * Every built-in preset, validated and with defaults applied (fresh copies: callers may mutate).
 *
 * @example
 * ```ts
 * listBuiltinPresets().map((preset) => preset.name);
 * // ['local', 'qwen-lite', 'qwen-mini-with-embeddings', 'bge-m3-gpu']
 * ```
 */
export function listBuiltinPresets(): Preset[] {
  return BUILTIN_PRESETS.map((preset) => PresetSchema.parse(preset));
}

/**
 * A built-in preset by name, validated and with defaults applied.
 * Throws {@link UnknownPresetError} (which lists the built-ins) for any other name.
 *
 * @example
 * ```ts
 * getBuiltinPreset('local').engines.map((engine) => engine.model);
 * // ['sage/tiny-chat', 'sage/tiny-embed']
 * getBuiltinPreset('fast'); // throws: no preset 'fast' (available: local, qwen-lite, …)
 * ```
 */
export function getBuiltinPreset(name: string): Preset {
  const preset = BUILTIN_PRESETS.find((candidate) => candidate.name === name);
  if (!preset) {
    throw new UnknownPresetError(
      name,
      BUILTIN_PRESETS.map((candidate) => candidate.name),
    );
  }
  return PresetSchema.parse(preset);
}

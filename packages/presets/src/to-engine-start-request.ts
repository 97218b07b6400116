import type { EngineStartRequestWire } from '@sage/protocol';
import type { Preset, PresetEngine } from './preset-schema.js';

/** Options of {@link toEngineStartRequest}. */
export interface ToEngineStartRequestOptions {
  /** Recorded as `metadata.preset` on the engine. */
  presetName?: string;
}

/**
 * The `POST /v1/management/engines` body (snake_case wire form) for one preset engine.
 * `use_gpu: null` or absent stays absent (the control plane's default: LLM engines get a GPU,
 * embedding engines do not); `true`/`false` pass through. The label defaults to the engine's
 * name, and `metadata` records the preset and engine names.
 *
 * @example
 * ```ts
 * const preset = getBuiltinPreset('bge-m3-gpu');
 * toEngineStartRequest(preset.engines[0]!, { presetName: preset.name });
 * // { model_id: 'BAAI/bge-m3', engine_kind: 'embedding', backend: 'hf-embed', use_gpu: true,
 * //   engine_label: 'embed', metadata: { preset: 'bge-m3-gpu', preset_engine: 'embed' }, … }
 * ```
 */
export function toEngineStartRequest(
  engine: PresetEngine,
  options: ToEngineStartRequestOptions = {},
): EngineStartRequestWire {
  const body: EngineStartRequestWire = {
    model_id: engine.model,
    engine_kind: engine.kind,
    tensor_parallel_size: engine.tensor_parallel,
    pipeline_parallel_size: engine.pipeline_parallel,
    engine_label: engine.label ?? engine.name,
    metadata: {
      ...engine.metadata,
      ...(options.presetName === undefined ? {} : { preset: options.presetName }),
      preset_engine: engine.name,
    },
  };
  if (engine.backend !== undefined) body.backend = engine.backend;
  if (engine.port !== undefined) body.port = engine.port;
  if (engine.max_concurrent_requests !== undefined)
    body.max_concurrent_requests = engine.max_concurrent_requests;
  if (typeof engine.use_gpu === 'boolean') body.use_gpu = engine.use_gpu;
  if (engine.gpu_ids !== undefined) body.gpu_ids = [...engine.gpu_ids];
  if (engine.required_memory_gb !== undefined) body.required_memory_gb = engine.required_memory_gb;
  if (engine.extra_args !== undefined) body.extra_args = [...engine.extra_args];
  return body;
}

/**
 * The start bodies for every engine of a preset, in order, each tagged with the preset's name.
 *
 * @example
 * ```ts
 * for (const body of toEngineStartRequests(getBuiltinPreset('local'))) {
 *   await fetch(`${apiBase}/management/engines`, { method: 'POST', body: JSON.stringify(body) });
 * }
 * ```
 */
export function toEngineStartRequests(preset: Preset): EngineStartRequestWire[] {
  return preset.engines.map((engine) => toEngineStartRequest(engine, { presetName: preset.name }));
}

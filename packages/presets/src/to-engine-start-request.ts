import {
  type CamelKeys,
  type EngineStartRequest,
  type EngineStartRequestWire,
  fromWire,
  toWire,
} from '@sage/protocol';
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
  // The case crossing is the protocol's (fromWire/toWire); only the names that differ are mapped.
  const { name, model, kind, tensorParallel, pipelineParallel, label, useGpu, metadata, ...same } =
    fromWire<CamelKeys<PresetEngine>>(engine);
  const request: Partial<EngineStartRequest> = {
    ...same,
    modelId: model,
    engineKind: kind,
    tensorParallelSize: tensorParallel,
    pipelineParallelSize: pipelineParallel,
    engineLabel: label ?? name,
    // null (or absent): the control plane's default, so nothing on the wire.
    useGpu: useGpu ?? undefined,
    metadata: {
      ...metadata,
      ...(options.presetName === undefined ? {} : { preset: options.presetName }),
      preset_engine: name,
    },
  };
  return toWire<EngineStartRequestWire>(request);
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

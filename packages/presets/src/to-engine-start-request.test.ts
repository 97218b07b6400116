import { EngineStartRequestWire, parseEngineStartRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { getBuiltinPreset, listBuiltinPresets } from './builtin-presets.js';
import { PresetEngineSchema } from './preset-schema.js';
import { toEngineStartRequest, toEngineStartRequests } from './to-engine-start-request.js';

const minimal = { name: 'embed', model: 'BAAI/bge-m3', kind: 'embedding' as const };

describe('toEngineStartRequest', () => {
  it.each([
    ['true', { use_gpu: true }, true],
    ['false', { use_gpu: false }, false],
    ['null', { use_gpu: null }, undefined],
    ['absent', {}, undefined],
  ])('use_gpu %s in the preset → %s on the wire', (_label, field, expected) => {
    const engine = PresetEngineSchema.parse({ ...minimal, ...field });
    const body = toEngineStartRequest(engine);
    expect(body.use_gpu).toBe(expected);
    expect('use_gpu' in body).toBe(expected !== undefined);
    expect(parseEngineStartRequest(body).useGpu).toBe(expected);
  });

  it('maps every field to its wire name', () => {
    const engine = PresetEngineSchema.parse({
      name: 'chat',
      model: 'Qwen/Qwen2.5-0.5B-Instruct',
      backend: 'vllm',
      tensor_parallel: 2,
      pipeline_parallel: 3,
      port: 8001,
      label: 'qwen',
      max_concurrent_requests: 16,
      use_gpu: true,
      gpu_ids: [0, 1],
      required_memory_gb: 6,
      metadata: { team: 'docs', preset: 'overridden' },
      extra_args: ['--max-model-len', '4096'],
    });
    const body = toEngineStartRequest(engine, { presetName: 'team' });
    expect(body).toEqual({
      model_id: 'Qwen/Qwen2.5-0.5B-Instruct',
      engine_kind: 'llm',
      backend: 'vllm',
      tensor_parallel_size: 2,
      pipeline_parallel_size: 3,
      port: 8001,
      engine_label: 'qwen',
      max_concurrent_requests: 16,
      use_gpu: true,
      gpu_ids: [0, 1],
      required_memory_gb: 6,
      metadata: { team: 'docs', preset: 'team', preset_engine: 'chat' },
      extra_args: ['--max-model-len', '4096'],
    });
    expect(EngineStartRequestWire.parse(body)).toEqual(body);
  });

  it('labels the engine with its name and leaves out unset fields', () => {
    const body = toEngineStartRequest(PresetEngineSchema.parse(minimal));
    expect(body).toEqual({
      model_id: 'BAAI/bge-m3',
      engine_kind: 'embedding',
      tensor_parallel_size: 1,
      pipeline_parallel_size: 1,
      engine_label: 'embed',
      metadata: { preset_engine: 'embed' },
    });
  });

  it('turns every built-in engine into a valid wire body tagged with the preset', () => {
    for (const preset of listBuiltinPresets()) {
      for (const body of toEngineStartRequests(preset)) {
        expect(EngineStartRequestWire.safeParse(body).success).toBe(true);
        expect(body.metadata).toMatchObject({ preset: preset.name });
      }
    }
    expect(toEngineStartRequests(getBuiltinPreset('bge-m3-gpu'))[0]).toMatchObject({
      model_id: 'BAAI/bge-m3',
      engine_kind: 'embedding',
      use_gpu: true,
    });
  });
});

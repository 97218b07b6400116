import { parseEngineStartRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import type { EnginePlacement } from './engine-backend.js';
import { gpuMemoryUtilization, vllmBackend } from './vllm.js';

const placement: EnginePlacement = {
  host: '127.0.0.1',
  port: 8001,
  gpuIds: [0, 1],
  device: 'cuda',
  reservedMemoryGbPerGpu: 40,
  gpuMemoryTotalGb: 80,
  stateDir: '/tmp/sage',
};

describe('vllm backend', () => {
  it('builds `vllm serve` with parallelism, port and a utilisation from the reservation', () => {
    const request = parseEngineStartRequest({
      model_id: 'Qwen/Qwen2.5-7B-Instruct',
      tensor_parallel_size: 2,
    });
    const { argv, env } = vllmBackend.launch(request, placement);
    expect(argv).toEqual([
      'vllm',
      'serve',
      'Qwen/Qwen2.5-7B-Instruct',
      '--host',
      '127.0.0.1',
      '--port',
      '8001',
      '--tensor-parallel-size',
      '2',
      '--pipeline-parallel-size',
      '1',
      '--gpu-memory-utilization',
      '0.5',
    ]);
    expect(env.CUDA_VISIBLE_DEVICES).toBe('0,1');
  });

  it('adds the embedding task flag for embedding models', () => {
    const request = parseEngineStartRequest({ model_id: 'BAAI/bge-m3', engine_kind: 'embedding' });
    expect(vllmBackend.launch(request, placement).argv).toContain('--task');
  });

  it('clamps the utilisation to 0.05–0.95', () => {
    expect(gpuMemoryUtilization({ ...placement, reservedMemoryGbPerGpu: 1 })).toBe(0.05);
    expect(gpuMemoryUtilization({ ...placement, reservedMemoryGbPerGpu: 200 })).toBe(0.95);
  });
});

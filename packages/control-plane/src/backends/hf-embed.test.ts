import { existsSync } from 'node:fs';
import { parseEngineStartRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import type { EnginePlacement } from './engine-backend.js';
import { PROXY_VARIABLES } from './engine-env.js';
import { createHfEmbedBackend, hfEmbedServerScript } from './hf-embed.js';

const SCRIPT = '/opt/sage/assets/hf-embed-server.py';
const backend = createHfEmbedBackend(() => SCRIPT);

const cpu: EnginePlacement = {
  host: '127.0.0.1',
  port: 8090,
  gpuIds: [],
  device: 'cpu',
  reservedMemoryGbPerGpu: 0,
  stateDir: '/var/lib/sage',
};
const gpu: EnginePlacement = { ...cpu, gpuIds: [0, 1], device: 'cuda', reservedMemoryGbPerGpu: 2 };
const request = parseEngineStartRequest({ model_id: 'BAAI/bge-m3', engine_kind: 'embedding' });

describe('hf-embed backend', () => {
  it('runs the Python server with the model, address and device', () => {
    expect(backend.launch(request, cpu).argv).toEqual([
      'python3',
      SCRIPT,
      ...['--model', 'BAAI/bge-m3', '--host', '127.0.0.1', '--port', '8090', '--device', 'cpu'],
    ]);
  });

  it('on CPU clears CUDA_VISIBLE_DEVICES; on GPUs sets them and passes --device cuda', () => {
    expect(backend.launch(request, cpu).env.CUDA_VISIBLE_DEVICES).toBe('');
    const { argv, env } = backend.launch(request, gpu);
    expect(env.CUDA_VISIBLE_DEVICES).toBe('0,1');
    expect(argv[argv.indexOf('--device') + 1]).toBe('cuda');
  });

  it('drops proxy variables, keeps Python output unbuffered and appends extra args', () => {
    const withExtra = parseEngineStartRequest({
      model_id: '/models/e5',
      engine_kind: 'embedding',
      extra_args: ['--batch-size', '8'],
    });
    const { argv, env } = backend.launch(withExtra, cpu);
    for (const name of PROXY_VARIABLES) expect(env[name]).toBeUndefined();
    expect(env.PYTHONUNBUFFERED).toBe('1');
    expect(argv.slice(-2)).toEqual(['--batch-size', '8']);
  });

  it('serves embedding models only and needs python3', () => {
    expect(backend.kinds).toEqual(['embedding']);
    expect(backend.healthPaths('embedding')).toEqual(['/health']);
    expect(backend.program?.(request)).toBe('python3');
    expect(() => backend.launch(parseEngineStartRequest({ model_id: 'gpt2' }), cpu)).toThrow(
      /embedding models only/,
    );
  });

  it('ships the server script in the package assets', () => {
    const script = hfEmbedServerScript();
    expect(script.endsWith('assets/hf-embed-server.py')).toBe(true);
    expect(existsSync(script)).toBe(true);
  });
});

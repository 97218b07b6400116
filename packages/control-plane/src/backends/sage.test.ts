import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseEngineStartRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors.js';
import type { EnginePlacement } from './engine-backend.js';
import { PROXY_VARIABLES } from './engine-env.js';
import { createSageBackend, resolveSageEngineBin, SAGE_ENGINE_BIN_ENV, sageBackend } from './sage.js';

const ENGINE_BIN = '/opt/sage/engine/dist/bin/sage-engine.js';
const backend = createSageBackend(() => ENGINE_BIN);

const cpu: EnginePlacement = {
  host: '127.0.0.1',
  port: 8001,
  gpuIds: [],
  device: 'cpu',
  reservedMemoryGbPerGpu: 0,
  stateDir: '/var/lib/sage',
};
const gpu: EnginePlacement = {
  ...cpu,
  port: 8002,
  gpuIds: [0, 1],
  device: 'cuda',
  reservedMemoryGbPerGpu: 4,
};

describe('sage backend', () => {
  it('runs sage-engine with the current Node, the model, kind, address, device and models dir', () => {
    const request = parseEngineStartRequest({ model_id: 'sage/tiny-chat', max_concurrent_requests: 8 });
    const { argv } = backend.launch(request, cpu);
    expect(argv).toEqual([
      process.execPath,
      ENGINE_BIN,
      ...['--model', 'sage/tiny-chat', '--kind', 'llm', '--host', '127.0.0.1', '--port', '8001'],
      ...['--device', 'cpu', '--models-dir', join('/var/lib/sage', 'models'), '--max-queue', '8'],
    ]);
  });

  it('on CPU clears CUDA_VISIBLE_DEVICES and passes --device cpu', () => {
    const request = parseEngineStartRequest({ model_id: 'sage/tiny-embed', engine_kind: 'embedding' });
    const { argv, env } = backend.launch(request, cpu);
    expect(env.CUDA_VISIBLE_DEVICES).toBe('');
    expect(argv[argv.indexOf('--device') + 1]).toBe('cpu');
    expect(argv[argv.indexOf('--kind') + 1]).toBe('embedding');
  });

  it('on GPUs sets CUDA_VISIBLE_DEVICES to them and passes --device cuda', () => {
    const request = parseEngineStartRequest({ model_id: '/models/qwen.gguf', use_gpu: true });
    const { argv, env } = backend.launch(request, gpu);
    expect(env.CUDA_VISIBLE_DEVICES).toBe('0,1');
    expect(argv[argv.indexOf('--device') + 1]).toBe('cuda');
    expect(argv[argv.indexOf('--port') + 1]).toBe('8002');
  });

  it('drops proxy variables and appends extra args last', () => {
    const request = parseEngineStartRequest({
      model_id: 'hf:org/repo:Q4_K_M',
      extra_args: ['--parallel', '2'],
    });
    const { argv, env } = backend.launch(request, cpu);
    for (const name of PROXY_VARIABLES) expect(env[name]).toBeUndefined();
    expect(Object.keys(env)).toEqual(expect.arrayContaining([...PROXY_VARIABLES]));
    expect(argv.slice(-2)).toEqual(['--parallel', '2']);
    expect(Array.isArray(argv)).toBe(true);
  });

  it('serves both kinds, is ready on /health and gives up after 120 s', () => {
    expect(backend.kinds).toEqual(['llm', 'embedding']);
    expect(backend.healthPaths('llm')).toEqual(['/health', '/v1/models']);
    expect(backend.healthPaths('embedding')).toEqual(['/health']);
    expect(backend.startupTimeoutMs).toBe(120_000);
    expect(backend.program?.(parseEngineStartRequest({ model_id: 'sage/tiny-chat' }))).toBe(ENGINE_BIN);
  });
});

describe('resolveSageEngineBin', () => {
  it('honours SAGE_ENGINE_BIN', () => {
    expect(resolveSageEngineBin({ [SAGE_ENGINE_BIN_ENV]: '/somewhere/sage-engine.js' })).toBe(
      '/somewhere/sage-engine.js',
    );
  });

  it('finds the engine package of this checkout and its sage-engine bin', () => {
    const bin = resolveSageEngineBin({});
    expect(bin.endsWith(join('engine', 'dist', 'bin', 'sage-engine.js'))).toBe(true);
    expect(existsSync(join(bin, '..', '..', '..', 'package.json'))).toBe(true);
    expect(sageBackend.program?.(parseEngineStartRequest({ model_id: 'sage/tiny-chat' }))).toBe(bin);
  });

  it('reports a missing engine as BackendUnavailableError with the fixes', () => {
    const missing = createSageBackend(() => {
      throw new BackendUnavailableError('sage', 'the @sage/engine package is not installed');
    });
    expect(() => missing.program?.(parseEngineStartRequest({ model_id: 'sage/tiny-chat' }))).toThrow(
      /backend 'sage' cannot start this engine: the @sage\/engine package is not installed/,
    );
  });
});

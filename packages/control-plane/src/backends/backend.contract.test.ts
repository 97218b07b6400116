import { parseEngineStartRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { builtinBackends } from './backend-registry.js';
import { createCustomBackend } from './custom.js';
import { flagsOfTemplate } from './engine-args.js';
import type { EngineBackend, EnginePlacement } from './engine-backend.js';
import { PROXY_VARIABLES } from './engine-env.js';

const cpu: EnginePlacement = {
  host: '127.0.0.1',
  port: 8951,
  gpuIds: [],
  device: 'cpu',
  reservedMemoryGbPerGpu: 0,
  stateDir: '/tmp/sage',
};
const gpu: EnginePlacement = {
  ...cpu,
  gpuIds: [1, 3],
  device: 'cuda',
  reservedMemoryGbPerGpu: 10,
  gpuMemoryTotalGb: 80,
};

const backends: EngineBackend[] = [
  ...Object.values(builtinBackends),
  createCustomBackend({
    name: 'custom-example',
    command: ['my-server', '--model', '{model}', '--port', '{port}'],
  }),
];

describe.each(backends.map((backend) => [backend.name, backend] as const))(
  'engine backend %s (contract)',
  (_name, backend) => {
    const kind = backend.kinds.includes('llm') ? 'llm' : 'embedding';
    const request = parseEngineStartRequest({
      model_id: 'org/some-model',
      engine_kind: kind,
      extra_args: ['--extra', 'x'],
    });

    it('launches an argv array of plain strings with the port in it', () => {
      const { argv } = backend.launch(request, cpu);
      expect(Array.isArray(argv)).toBe(true);
      expect(argv.every((part) => typeof part === 'string' && part.length > 0)).toBe(true);
      expect(argv).toContain(String(cpu.port));
      expect(argv.slice(-2)).toEqual(['--extra', 'x']);
    });

    it('clears CUDA_VISIBLE_DEVICES on CPU and sets it to the GPUs on GPU', () => {
      expect(backend.launch(request, cpu).env.CUDA_VISIBLE_DEVICES).toBe('');
      expect(backend.launch(request, gpu).env.CUDA_VISIBLE_DEVICES).toBe('1,3');
    });

    it('drops proxy variables', () => {
      const { env } = backend.launch(request, cpu);
      for (const name of PROXY_VARIABLES) {
        expect(name in env).toBe(true);
        expect(env[name]).toBeUndefined();
      }
    });

    it('declares health paths, a startup timeout and its program', () => {
      expect(backend.healthPaths(kind)[0]).toBe('/health');
      expect(backend.startupTimeoutMs).toBeGreaterThan(0);
      expect(backend.program?.(request)).toBeTruthy();
    });

    it('owns every flag its command line sets, so no request can repeat or override one', () => {
      const plain = parseEngineStartRequest({ model_id: 'org/some-model', engine_kind: kind });
      for (const placement of [cpu, gpu]) {
        const flags = flagsOfTemplate(backend.launch(plain, placement).argv);
        expect(flags.length).toBeGreaterThan(0);
        for (const flag of flags) expect(backend.ownedFlags, flag).toContain(flag);
      }
    });

    it('does not mutate the request', () => {
      const copy = structuredClone(request);
      backend.launch(request, gpu);
      expect(request).toEqual(copy);
    });
  },
);

import { describe, expect, it } from 'vitest';
import { decideGpu } from './gpu-decision.js';

const base = { tensorParallelSize: 1, pipelineParallelSize: 1 } as const;

describe('decideGpu (SPEC C)', () => {
  it.each([
    ['llm', undefined, 2, true],
    ['embedding', undefined, 2, false],
    ['embedding', true, 2, true],
    ['llm', false, 2, false],
    ['embedding', false, 2, false],
    ['llm', null, 2, true],
  ] as const)(
    '%s with use_gpu=%s on a host with %i GPUs → GPU %s',
    (engineKind, useGpu, hostGpus, expected) => {
      expect(decideGpu({ ...base, engineKind, useGpu }, hostGpus).useGpu).toBe(expected);
    },
  );

  it('asks for tensor × pipeline parallel GPUs, or the pinned ones', () => {
    expect(decideGpu({ engineKind: 'llm', tensorParallelSize: 2, pipelineParallelSize: 2 }, 4).gpuCount).toBe(
      4,
    );
    expect(decideGpu({ ...base, engineKind: 'embedding', gpuIds: [1, 3] }, 4)).toMatchObject({
      useGpu: true,
      gpuCount: 2,
    });
  });

  it('runs an LLM without use_gpu on CPU when the host has no GPU, but keeps an explicit true', () => {
    expect(decideGpu({ ...base, engineKind: 'llm' }, 0).useGpu).toBe(false);
    expect(decideGpu({ ...base, engineKind: 'llm', useGpu: true }, 0).useGpu).toBe(true);
  });
});

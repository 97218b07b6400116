import { describe, expect, it } from 'vitest';
import { decideOnSample, memoryLimitOf } from './process-sample.js';

const MIB = 1024 * 1024;

describe('memoryLimitOf', () => {
  it('is the lower of the configured cap and a CPU engine’s own required_memory_gb', () => {
    expect(memoryLimitOf({ device: 'cpu' }, undefined)).toBeNull();
    expect(memoryLimitOf({ device: 'cpu' }, 512)).toEqual({
      bytes: 512 * MIB,
      source: 'the cap of 512 MB (engines.memory_cap_mb)',
    });
    expect(memoryLimitOf({ device: 'cpu', requiredMemoryGb: 0.25 }, 512)?.source).toBe(
      'its reservation of 0.25 GB (required_memory_gb)',
    );
    expect(memoryLimitOf({ device: 'cpu', requiredMemoryGb: 4 }, 512)?.bytes).toBe(512 * MIB);
  });

  it('never bounds resident memory by a GPU reservation', () => {
    expect(memoryLimitOf({ device: 'cuda', requiredMemoryGb: 2 }, undefined)).toBeNull();
    expect(memoryLimitOf({ device: 'cuda', requiredMemoryGb: 2 }, 8192)?.bytes).toBe(8192 * MIB);
  });
});

describe('decideOnSample', () => {
  const limit = { bytes: 100 * MIB, source: 'the cap of 100 MB (engines.memory_cap_mb)' };

  it('fails an engine past its bound (also when frozen), restarts a frozen one, else nothing', () => {
    expect(decideOnSample({ frozen: false, rssBytes: 101 * MIB }, limit)).toEqual({
      type: 'fail',
      reason:
        "memory bound: the engine's processes hold 101 MB resident, past the cap of 100 MB (engines.memory_cap_mb)",
      exitClass: 'out_of_memory',
    });
    expect(decideOnSample({ frozen: true, rssBytes: 200 * MIB }, limit).type).toBe('fail');
    expect(decideOnSample({ frozen: true, rssBytes: 10 * MIB }, limit).type).toBe('restart');
    expect(decideOnSample({ frozen: true, rssBytes: undefined }, null).type).toBe('restart');
    expect(decideOnSample({ frozen: false, rssBytes: 100 * MIB }, limit)).toEqual({ type: 'none' });
    expect(decideOnSample({ frozen: false, rssBytes: undefined }, limit)).toEqual({ type: 'none' });
  });
});

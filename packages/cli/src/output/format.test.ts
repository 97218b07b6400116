import { describe, expect, it } from 'vitest';
import { engineInfo, gpuStatus } from '../__fixtures__/engines.js';
import { formatDevice, formatGb, formatGpuMemory, formatPercent, formatUptime, orDash } from './format.js';

describe('format helpers', () => {
  it.each([
    [0, '-'],
    [42, '42s'],
    [125, '2m5s'],
    [3_661, '1h1m'],
    [90_061, '1d1h'],
    [Number.NaN, '-'],
  ])('formatUptime(%s) is %s', (seconds, expected) => {
    expect(formatUptime(seconds)).toBe(expected);
  });

  it('shows GPUs or CPU for an engine', () => {
    expect(formatDevice(engineInfo({ gpu_ids: [] }))).toBe('CPU');
    expect(formatDevice(engineInfo({ gpu_ids: [0, 1], device: 'cuda' }))).toBe('0,1');
  });

  it('formats memory, percentages and missing values', () => {
    expect(formatGb(7.25)).toBe('7.3');
    expect(formatGb(24)).toBe('24');
    expect(
      formatGpuMemory(gpuStatus({ memory_used_gb: 6, memory_reserved_gb: 12.04, memory_total_gb: 80 })),
    ).toBe('6/12/80 GB');
    expect(formatPercent(null)).toBe('-');
    expect(formatPercent(36.6)).toBe('37%');
    expect(orDash(null)).toBe('-');
    expect(orDash(0)).toBe('0');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMPUTE_APPS_QUERY_FIELDS,
  computeAppsQueryArgs,
  GPU_QUERY_FIELDS,
  gpuQueryArgs,
  parseComputeAppsQuery,
  parseGpuQuery,
} from './nvidia-smi-parser.js';

/** Real captures from an H100 (../shared beside the repository; referenced, not copied). */
function fixtureLines(name: string): string[] {
  const url = new URL(`../../../../../shared/fixtures/nvidia-smi/h100-80gb/${name}`, import.meta.url);
  return readFileSync(url, 'utf8').split('\n');
}

// Each fixture holds two captures: `--format=csv` (header, units, a few extra fields), then
// `--format=csv,noheader,nounits` with exactly the control plane's fields.
const gpuFixture = fixtureLines('query-gpu.csv');
const appsFixture = fixtureLines('query-apps.csv');

const H100 = {
  index: 0,
  uuid: 'GPU-dee1bd47-88a1-48d4-0eb1-cd6187511504',
  name: 'NVIDIA H100 80GB HBM3',
  memoryTotalMib: 81_559,
  memoryUsedMib: 0,
  memoryFreeMib: 81_079,
  utilizationPercent: 0,
};

describe('parseGpuQuery', () => {
  it('parses the real H100 capture with header and units, finding columns by name', () => {
    expect(parseGpuQuery(gpuFixture.slice(0, 2).join('\n'))).toEqual([H100]);
  });

  it('parses the real H100 capture without header or units, in query field order', () => {
    expect(parseGpuQuery(gpuFixture[2]!)).toEqual([H100]);
  });

  it('parses units without a header', () => {
    const text =
      '0, GPU-a, Tesla T4, 15360 MiB, 1024 MiB, 14336 MiB, 37 %\n1, GPU-b, Tesla T4, 15360 MiB, 0 MiB, 15360 MiB, 0 %';
    expect(parseGpuQuery(text).map((gpu) => [gpu.index, gpu.memoryUsedMib, gpu.utilizationPercent])).toEqual([
      [0, 1024, 37],
      [1, 0, 0],
    ]);
  });

  it('turns [N/A] and [Not Supported] into null and skips unusable rows', () => {
    const text = [
      '0, GPU-a, NVIDIA GH200, 97871, [N/A], [N/A], [Not Supported]',
      '1, [N/A], Some GPU, 8192, 100, 8092, 3',
      'No devices were found',
      '',
    ].join('\r\n');
    expect(parseGpuQuery(text)).toEqual([
      {
        index: 0,
        uuid: 'GPU-a',
        name: 'NVIDIA GH200',
        memoryTotalMib: 97_871,
        memoryUsedMib: null,
        memoryFreeMib: null,
        utilizationPercent: null,
      },
      {
        index: 1,
        uuid: null,
        name: 'Some GPU',
        memoryTotalMib: 8192,
        memoryUsedMib: 100,
        memoryFreeMib: 8092,
        utilizationPercent: 3,
      },
    ]);
  });

  it('returns no GPUs for empty output', () => {
    expect(parseGpuQuery('')).toEqual([]);
  });

  it('asks nvidia-smi for exactly the fields it parses', () => {
    expect(gpuQueryArgs()).toEqual([
      `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
    ]);
  });
});

describe('parseComputeAppsQuery', () => {
  const app = { pid: 423, gpuUuid: 'GPU-dee1bd47-88a1-48d4-0eb1-cd6187511504', usedMemoryMib: 6242 };

  it('parses the real capture with header and units (used_gpu_memory [MiB])', () => {
    expect(parseComputeAppsQuery(appsFixture.slice(0, 2).join('\n'))).toEqual([app]);
  });

  it('parses the real capture without header or units', () => {
    expect(parseComputeAppsQuery(appsFixture[2]!)).toEqual([app]);
  });

  it('keeps a process whose memory is [N/A] with null usage', () => {
    expect(parseComputeAppsQuery('77, GPU-a, [N/A]\n78, GPU-a, 512 MiB')).toEqual([
      { pid: 77, gpuUuid: 'GPU-a', usedMemoryMib: null },
      { pid: 78, gpuUuid: 'GPU-a', usedMemoryMib: 512 },
    ]);
  });

  it('returns no processes for a header-only or empty output', () => {
    expect(parseComputeAppsQuery('pid, gpu_uuid, used_gpu_memory [MiB]\n')).toEqual([]);
    expect(parseComputeAppsQuery('')).toEqual([]);
  });

  it('asks nvidia-smi for exactly the fields it parses', () => {
    expect(computeAppsQueryArgs()[0]).toBe(`--query-compute-apps=${COMPUTE_APPS_QUERY_FIELDS.join(',')}`);
  });
});

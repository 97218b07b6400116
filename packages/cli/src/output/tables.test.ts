import { describe, expect, it } from 'vitest';
import { engineInfo, gpuStatus } from '../__fixtures__/engines.js';
import { engineTable, gpuTable } from './tables.js';

describe('engineTable', () => {
  it('has the columns of `sage llm engine list` with GPUs or CPU', () => {
    const table = engineTable([
      engineInfo(),
      engineInfo({
        engine_id: 'engine-2',
        model_id: 'BAAI/bge-m3',
        engine_kind: 'embedding',
        backend: 'hf-embed',
        status: 'STARTING',
        port: 8090,
        gpu_ids: [0, 1],
        device: 'cuda',
        pid: null,
        restart_count: 2,
        last_exit_code: 65,
        last_exit_class: 'not_startable',
      }),
    ]);
    const [header, first, second] = table.split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'ID',
      'MODEL',
      'KIND',
      'BACKEND',
      'STATE',
      'PORT',
      'GPUS',
      'PID',
      'UPTIME',
      'RESTARTS',
      'LAST EXIT',
    ]);
    expect(first?.split(/\s+/)).toEqual([
      'engine-1',
      'sage/tiny-chat',
      'llm',
      'sage',
      'RUNNING',
      '8001',
      'CPU',
      '4242',
      '2m5s',
      '0',
      '-',
    ]);
    expect(second?.split(/\s+/)).toEqual([
      'engine-2',
      'BAAI/bge-m3',
      'embedding',
      'hf-embed',
      'STARTING',
      '8090',
      '0,1',
      '-',
      '-',
      '2',
      'not_startable:65',
    ]);
  });

  it('says so when there are no engines', () => {
    expect(engineTable([])).toBe('no engines');
  });
});

describe('gpuTable', () => {
  it('shows name, used/reserved/total memory, utilisation and engines per GPU', () => {
    const table = gpuTable([
      gpuStatus({ engine_ids: ['engine-1', 'engine-2'] }),
      gpuStatus({ index: 1, mock: true, name: 'Mock GPU', utilization_percent: null }),
    ]);
    const lines = table.split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual([
      'GPU',
      'NAME',
      'USED/RESERVED/TOTAL',
      'FREE',
      'UTIL',
      'ENGINES',
    ]);
    expect(lines[1]).toContain('NVIDIA H100 80GB HBM3');
    expect(lines[1]).toContain('6/12/80 GB');
    expect(lines[1]).toContain('37%');
    expect(lines[1]).toContain('engine-1,engine-2');
    expect(lines[2]).toContain('Mock GPU (mock)');
    expect(lines[2]?.trimEnd().endsWith('-')).toBe(true);
  });
});

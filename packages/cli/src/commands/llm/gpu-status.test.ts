import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../__fixtures__/capture-terminal.js';
import { engineInfo, gpuStatus } from '../../__fixtures__/engines.js';
import { FakeManagementClient } from '../../__fixtures__/fake-management-client.js';
import { createOutput } from '../../output/print.js';
import { showGpus } from './gpu.js';
import { showStatus } from './status.js';

describe('sage llm gpu', () => {
  it('prints one row per GPU, and the REST body under --json', async () => {
    const client = new FakeManagementClient();
    client.gpuList = { gpus: [gpuStatus(), gpuStatus({ index: 1, engine_ids: ['engine-1'] })], mock: false };
    const human = captureTerminal();
    await showGpus(client, createOutput(human.terminal, {}));
    expect(human.stdout().trim().split('\n')).toHaveLength(3);
    expect(human.stdout()).toContain('engine-1');

    const json = captureTerminal();
    await showGpus(client, createOutput(json.terminal, { json: true }));
    expect(JSON.parse(json.stdout())).toEqual(client.gpuList);
  });

  it('explains an empty list and mock mode', async () => {
    const client = new FakeManagementClient();
    client.gpuList = { gpus: [], mock: false };
    const none = captureTerminal();
    await showGpus(client, createOutput(none.terminal, {}));
    expect(none.stdout()).toBe('no GPUs found: engines run on CPU\n');

    client.gpuList = { gpus: [gpuStatus({ mock: true, name: 'Mock GPU' })], mock: true };
    const mock = captureTerminal();
    await showGpus(client, createOutput(mock.terminal, {}));
    expect(mock.stdout()).toContain('(mock GPUs: SAGE_DISABLE_NVML is set or nvidia-smi is missing)');
  });
});

describe('sage llm status', () => {
  it('summarises gateway, policy, queue, engines and GPUs', async () => {
    const client = new FakeManagementClient();
    client.engines = [engineInfo()];
    const capture = captureTerminal();
    await showStatus(client, createOutput(capture.terminal, {}));
    const text = capture.stdout();
    expect(text).toContain('gateway: http://127.0.0.1:8889/v1 (up)');
    expect(text).toContain('policy:  adaptive');
    expect(text).toContain('queue:   0/1024');
    expect(text).toContain('engines: 1 RUNNING');
    expect(text).toContain('gpus:    none (CPU only)');
    expect(text).toContain('engine-1');
  });

  it('prints the REST body under --json', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    await showStatus(client, createOutput(capture.terminal, { json: true }));
    expect(JSON.parse(capture.stdout())).toMatchObject({
      scheduling_policy: 'adaptive',
      queue: { depth: 0 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../../__fixtures__/capture-terminal.js';
import { FakeManagementClient } from '../../../__fixtures__/fake-management-client.js';
import { CliExitError } from '../../../errors.js';
import { EXIT_CODES } from '../../../exit-codes.js';
import { createOutput } from '../../../output/print.js';
import { buildEngineStartRequest, startEngine } from './start.js';

const instant = async () => {};

describe('buildEngineStartRequest', () => {
  it('maps --use-gpu / --no-gpu / neither to use_gpu true / false / absent', () => {
    expect(buildEngineStartRequest('BAAI/bge-m3', { engineKind: 'embedding', useGpu: true }).use_gpu).toBe(
      true,
    );
    expect(buildEngineStartRequest('BAAI/bge-m3', { engineKind: 'embedding', gpu: false }).use_gpu).toBe(
      false,
    );
    const neither = buildEngineStartRequest('BAAI/bge-m3', { engineKind: 'embedding', gpu: true });
    expect('use_gpu' in neither).toBe(false);
  });

  it('rejects --use-gpu with --no-gpu', () => {
    expect(() => buildEngineStartRequest('m', { useGpu: true, gpu: false })).toThrow(
      '--use-gpu and --no-gpu exclude each other',
    );
  });

  it('turns every flag into the snake_case wire field', () => {
    expect(
      buildEngineStartRequest('Qwen/Qwen2.5-0.5B-Instruct', {
        engineKind: 'llm',
        backend: 'vllm',
        enginePort: '8005',
        tensorParallel: '2',
        pipelineParallel: '1',
        requiredMemoryGb: '7.5',
        gpuIds: '0,1',
        label: 'chat',
        maxConcurrent: '64',
        extraArg: ['--enforce-eager', '--max-model-len=4096'],
      }),
    ).toEqual({
      model_id: 'Qwen/Qwen2.5-0.5B-Instruct',
      engine_kind: 'llm',
      backend: 'vllm',
      port: 8005,
      tensor_parallel_size: 2,
      pipeline_parallel_size: 1,
      required_memory_gb: 7.5,
      gpu_ids: [0, 1],
      engine_label: 'chat',
      max_concurrent_requests: 64,
      extra_args: ['--enforce-eager', '--max-model-len=4096'],
    });
  });

  it('names the flag of a bad value', () => {
    expect(() => buildEngineStartRequest('m', { engineKind: 'chat' })).toThrow(/^--engine-kind: /);
    expect(() => buildEngineStartRequest('m', { tensorParallel: '0' })).toThrow(
      /^--tensor-parallel: must be at least 1/,
    );
    expect(() => buildEngineStartRequest('m', { maxConcurrent: 'lots' })).toThrow(/^--max-concurrent: /);
    expect(() => buildEngineStartRequest(' ', {})).toThrow(/^MODEL: must not be empty/);
  });
});

describe('startEngine', () => {
  it('without --wait prints the engine as the gateway answered', async () => {
    const client = new FakeManagementClient();
    const capture = captureTerminal();
    const engine = await startEngine(
      client,
      createOutput(capture.terminal, { json: true }),
      { model_id: 'sage/tiny-chat' },
      { wait: false },
    );
    expect(engine.status).toBe('STARTING');
    expect(JSON.parse(capture.stdout())).toMatchObject({ engine_id: 'engine-1', status: 'STARTING' });
    expect(client.callsOf('getEngine')).toHaveLength(0);
  });

  it('with --wait follows the state until RUNNING, one line per change', async () => {
    const client = new FakeManagementClient();
    client.statesAfterStart = ['STARTING', 'STARTING', 'RUNNING'];
    const capture = captureTerminal();
    const engine = await startEngine(
      client,
      createOutput(capture.terminal, {}),
      { model_id: 'sage/tiny-chat' },
      {
        wait: true,
        sleep: instant,
      },
    );
    expect(engine.status).toBe('RUNNING');
    expect(capture.stdout()).toContain('engine-1 sage/tiny-chat: STARTING\n');
    expect(capture.stdout()).toContain('engine-1 sage/tiny-chat: RUNNING\n');
    expect(capture.stdout().match(/STARTING\n/g)).toHaveLength(1);
  });

  it('with --wait and FAILED prints the last error and log tail and exits 1', async () => {
    const client = new FakeManagementClient();
    client.statesAfterStart = ['STARTING', 'FAILED'];
    client.logLines = ['loading model', 'fake-engine: refusing to start (exit code 1)'];
    const capture = captureTerminal();
    const error = await startEngine(
      client,
      createOutput(capture.terminal, { json: true }),
      { model_id: 'broken' },
      {
        wait: true,
        sleep: instant,
      },
    ).catch((caught: unknown) => caught);
    expect(CliExitError.isInstance(error)).toBe(true);
    expect((error as CliExitError).exitCode).toBe(EXIT_CODES.failed);
    expect((error as Error).message).toBe('engine engine-1 (broken) FAILED');
    expect(JSON.parse(capture.stdout())).toMatchObject({ status: 'FAILED' });
    expect(capture.stderr()).toContain('last error: exit code 1: refusing to start');
    expect(capture.stderr()).toContain('  fake-engine: refusing to start (exit code 1)');
  });
});

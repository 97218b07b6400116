import type { EngineInfo, EngineInfoWire, EngineStatus } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import type { ControlPlaneStatus } from '../client/client-options.js';
import { ensureDefaultEngines, missingModels } from './ensure-default-engines.js';
import { waitForEngines } from './wait-for-engines.js';

function engine(modelId: string, engineKind: 'llm' | 'embedding', status: EngineStatus): EngineInfo {
  return {
    engineId: `${modelId}-id`,
    modelId,
    engineKind,
    backend: 'sage',
    status,
    host: '127.0.0.1',
    port: 8001,
    gpuIds: [],
    device: 'cpu',
    pid: 1,
    command: [],
    env: {},
    restartCount: 0,
    lastExitCode: null,
    lastExitSignal: null,
    lastExitClass: null,
    lastError: status === 'FAILED' ? 'model file missing' : null,
    logPath: '/tmp/engine.log',
    engineLabel: null,
    maxConcurrentRequests: 256,
    reservedMemoryGb: 0,
    createdAt: '2025-01-01T00:00:00Z',
    uptimeSeconds: 1,
  };
}

const statusOf = (...engines: EngineInfo[]): ControlPlaneStatus => ({ engines, gpus: [], engineCounts: {} });

describe('waitForEngines', () => {
  it('polls until every engine is RUNNING', async () => {
    const answers = [
      statusOf(engine('a', 'llm', 'STARTING')),
      statusOf(engine('a', 'llm', 'STARTING')),
      statusOf(engine('a', 'llm', 'RUNNING')),
    ];
    let polls = 0;
    const status = await waitForEngines(async () => answers[polls++] as ControlPlaneStatus, {
      timeoutMs: 10_000,
      pollIntervalMs: 1,
      sleep: async () => undefined,
    });
    expect(polls).toBe(3);
    expect(status.engines[0]?.status).toBe('RUNNING');
  });

  it('fails with the engine, its last error and its log when one FAILED', async () => {
    await expect(
      waitForEngines(async () => statusOf(engine('a', 'llm', 'FAILED')), {
        timeoutMs: 10,
        pollIntervalMs: 1,
      }),
    ).rejects.toThrow(/a-id \(a\) FAILED: model file missing; log: \/tmp\/engine.log/);
  });

  it('gives up after the timeout and lists the engines still starting', async () => {
    let clock = 0;
    await expect(
      waitForEngines(async () => statusOf(engine('slow', 'llm', 'STARTING')), {
        timeoutMs: 100,
        pollIntervalMs: 50,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      }),
    ).rejects.toThrow(/not RUNNING after 100 ms: slow-id \(slow\) STARTING/);
  });
});

describe('ensureDefaultEngines', () => {
  it('starts only the default models no live engine of that kind serves', async () => {
    const status = statusOf(engine('chat', 'llm', 'RUNNING'), engine('embed', 'embedding', 'STOPPED'));
    expect(
      missingModels(status, [
        { modelId: 'chat', kind: 'llm' },
        { modelId: 'embed', kind: 'embedding' },
        { modelId: 'chat', kind: 'embedding' },
      ]),
    ).toEqual([
      { modelId: 'embed', kind: 'embedding' },
      { modelId: 'chat', kind: 'embedding' },
    ]);

    const requested: unknown[] = [];
    const started = await ensureDefaultEngines(
      status,
      [{ modelId: 'embed', kind: 'embedding' }],
      async (body) => {
        requested.push(body);
        return {
          engine_id: 'e2',
          model_id: 'embed',
          engine_kind: 'embedding',
          status: 'RUNNING',
        } as EngineInfoWire;
      },
    );
    expect(requested).toEqual([{ model_id: 'embed', engine_kind: 'embedding' }]);
    expect(started.map((info) => info.engineId)).toEqual(['e2']);
  });

  it('fails when a started engine does not end RUNNING', async () => {
    await expect(
      ensureDefaultEngines(statusOf(), [{ modelId: 'big', kind: 'llm' }], async () => ({
        ...({} as EngineInfoWire),
        model_id: 'big',
        status: 'FAILED',
        last_error: 'out of memory',
      })),
    ).rejects.toThrow(/llm engine for 'big' is FAILED: out of memory/);
  });
});

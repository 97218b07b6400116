import type { EngineStatus } from '@sage/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExitClassification } from '../lifecycle/exit-classification.js';
import { RestartSupervisor, type SupervisedEngines, type SupervisorIntent } from './restart-supervisor.js';

/** An exit a restart may help. */
const crash = (description: string): ExitClassification => ({
  class: 'crashed',
  retry: true,
  description,
  signal: null,
});

/** A scripted engine: health and liveness answer from flags the test flips. */
function fakeEngines(initial: EngineStatus = 'RUNNING') {
  const state = { status: initial, alive: true, healthy: true, relaunches: [] as number[], failedReason: '' };
  const calls: string[] = [];
  /** Per intent type, a handler that replaces the scripted one. */
  const on: {
    [T in SupervisorIntent['type']]?: (intent: Extract<SupervisorIntent, { type: T }>) => Promise<void>;
  } = {};
  const engines: SupervisedEngines = {
    list: () => [{ engineId: 'e1', status: state.status, startupTimeoutMs: 60_000 }],
    isAlive: () => state.alive,
    healthCheck: async () => state.alive && state.healthy,
    apply: async (intent) => {
      const override = on[intent.type] as ((intent: SupervisorIntent) => Promise<void>) | undefined;
      if (override) return override(intent);
      switch (intent.type) {
        case 'mark-healthy':
          calls.push('healthy');
          state.status = 'RUNNING';
          return;
        case 'mark-unhealthy':
          calls.push('unhealthy');
          state.status = 'UNHEALTHY';
          return;
        case 'begin-restart':
          calls.push(`restart#${intent.attempt}@${intent.delayMs}`);
          state.status = 'RESTARTING';
          return;
        case 'relaunch':
          state.relaunches.push(Date.now());
          state.status = 'STARTING';
          return;
        case 'fail':
          calls.push('fail');
          state.failedReason = intent.reason;
          state.status = 'FAILED';
          return;
      }
    },
  };
  return { state, calls, engines, on };
}

describe('RestartSupervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts a crash-looping engine after 1 s, 2 s, 4 s, then marks it FAILED', async () => {
    const { state, calls, engines } = fakeEngines('STARTING');
    state.alive = false;
    const supervisor = new RestartSupervisor({
      engines,
      restartBackoffBaseMs: 1000,
      maxRestartAttempts: 3,
      readinessPollMs: 10,
    });
    const start = Date.now();
    supervisor.onProcessExit('e1', crash('process exited with code 1'));
    for (let step = 0; step < 100 && state.status !== 'FAILED'; step++)
      await vi.advanceTimersByTimeAsync(100);
    expect(state.relaunches.map((time) => time - start)).toEqual([1000, 3000, 7000]);
    expect(calls.filter((call) => call.startsWith('restart'))).toEqual([
      'restart#1@1000',
      'restart#2@2000',
      'restart#3@4000',
    ]);
    expect(state.status).toBe('FAILED');
    expect(state.failedReason).toMatch(/gave up after 3 restart attempt/);
    supervisor.close();
  });

  it('marks an engine that is not startable FAILED at once, without a restart', async () => {
    const { state, calls, engines, on } = fakeEngines('STARTING');
    state.alive = false;
    const supervisor = new RestartSupervisor({ engines, restartBackoffBaseMs: 1000, readinessPollMs: 10 });
    let failedClass: string | undefined;
    on.fail = async ({ reason, exitClass }) => {
      calls.push('fail');
      state.failedReason = reason;
      failedClass = exitClass;
      state.status = 'FAILED';
    };
    supervisor.onProcessExit('e1', {
      class: 'not_startable',
      retry: false,
      description: 'process exited with code 65: the engine cannot start as configured, not retrying',
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(['fail']);
    expect(state.relaunches).toEqual([]);
    expect(state.failedReason).toMatch(/code 65/);
    expect(failedClass).toBe('not_startable');
    supervisor.close();
  });

  it('marks an engine UNHEALTHY at the first failed check and restarts it at the threshold', async () => {
    const { state, calls, engines } = fakeEngines('RUNNING');
    const supervisor = new RestartSupervisor({
      engines,
      consecutiveFailuresThreshold: 2,
      restartBackoffBaseMs: 10,
    });
    state.healthy = false;
    await supervisor.tick();
    expect(state.status).toBe('UNHEALTHY');
    expect(calls).toEqual(['unhealthy']);
    await supervisor.tick();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toContain('restart#1@10');
    supervisor.close();
  });

  it('brings an UNHEALTHY engine back to RUNNING when checks pass again', async () => {
    const { state, engines } = fakeEngines('RUNNING');
    const supervisor = new RestartSupervisor({ engines, consecutiveFailuresThreshold: 5 });
    state.healthy = false;
    await supervisor.tick();
    expect(state.status).toBe('UNHEALTHY');
    state.healthy = true;
    await supervisor.tick();
    expect(state.status).toBe('RUNNING');
    supervisor.close();
  });

  it('keeps counting attempts across ticks and resets them only after a stable period', async () => {
    const { state, engines } = fakeEngines('RUNNING');
    const supervisor = new RestartSupervisor({
      engines,
      restartBackoffBaseMs: 10,
      restartResetAfterMs: 5_000,
      readinessPollMs: 10,
    });
    state.alive = false;
    supervisor.onProcessExit('e1', crash('exited'));
    state.alive = true;
    await vi.advanceTimersByTimeAsync(50);
    expect(state.status).toBe('RUNNING');
    await supervisor.tick();
    expect(supervisor.attempts('e1')).toBe(1);
    await vi.advanceTimersByTimeAsync(6_000);
    await supervisor.tick();
    expect(supervisor.attempts('e1')).toBe(0);
    supervisor.close();
  });

  it('does not restart when autoRestart is off: an exited engine is FAILED', async () => {
    const { state, engines } = fakeEngines('RUNNING');
    const supervisor = new RestartSupervisor({ engines, autoRestart: false });
    state.alive = false;
    supervisor.onProcessExit('e1', crash('exited with code 3'));
    await vi.advanceTimersByTimeAsync(10);
    expect(state.status).toBe('FAILED');
    expect(state.relaunches).toHaveLength(0);
    supervisor.close();
  });

  it('treats a failed relaunch as one more attempt: it backs off and tries again, then FAILED', async () => {
    const { state, calls, engines, on } = fakeEngines('RUNNING');
    let relaunchFailures = 0;
    on.relaunch = async () => {
      relaunchFailures += 1;
      throw new Error('port 8001 is taken');
    };
    const supervisor = new RestartSupervisor({ engines, restartBackoffBaseMs: 100, maxRestartAttempts: 3 });
    state.alive = false;
    supervisor.onProcessExit('e1', crash('exited with code 1'));
    for (let step = 0; step < 100 && state.status !== 'FAILED'; step++) await vi.advanceTimersByTimeAsync(50);
    expect(relaunchFailures).toBe(3);
    expect(calls.filter((call) => call.startsWith('restart'))).toEqual([
      'restart#1@100',
      'restart#2@200',
      'restart#3@400',
    ]);
    expect(state.failedReason).toMatch(/relaunch failed: port 8001 is taken; gave up after 3/);
    supervisor.close();
  });

  it('logs a failure it cannot handle instead of leaving an unhandled rejection', async () => {
    const { state, engines, on } = fakeEngines('RUNNING');
    on.fail = async () => {
      throw new Error('engine state STOPPING does not allow fail');
    };
    const errors: unknown[] = [];
    const logger = { error: (...args: unknown[]) => errors.push(args), warn: () => {}, info: () => {} };
    const supervisor = new RestartSupervisor({
      engines,
      autoRestart: false,
      logger: logger as unknown as ConstructorParameters<typeof RestartSupervisor>[0]['logger'],
    });
    state.alive = false;
    supervisor.onProcessExit('e1', crash('exited'));
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
    supervisor.close();
  });
});

describe('RestartSupervisor process samples', () => {
  it('restarts a frozen engine and FAILs one past its memory bound with out_of_memory', async () => {
    const { state, calls, engines } = fakeEngines('RUNNING');
    let frozen = true;
    let rss = 10;
    const failures: Array<[string, string | undefined]> = [];
    const sampled: SupervisedEngines = {
      ...engines,
      list: () => [
        {
          engineId: 'e1',
          status: state.status,
          startupTimeoutMs: 60_000,
          memoryLimit: { bytes: 100, source: 'the cap' },
        },
      ],
      sample: (ids, memory) =>
        new Map(ids.map((id) => [id, { frozen, rssBytes: memory.includes(id) ? rss : undefined }])),
      apply: async (intent) => {
        if (intent.type === 'fail') failures.push([intent.reason, intent.exitClass]);
        await engines.apply(intent);
      },
    };
    const supervisor = new RestartSupervisor({ engines: sampled, restartBackoffBaseMs: 10_000 });
    supervisor.sample();
    await Promise.resolve();
    expect(calls).toEqual(['restart#1@10000']);
    supervisor.close();

    state.status = 'STARTING';
    frozen = false;
    rss = 101;
    const next = new RestartSupervisor({ engines: sampled });
    next.sample();
    await Promise.resolve();
    expect(state.status).toBe('FAILED');
    expect(failures).toEqual([[expect.stringMatching(/^memory bound: .* past the cap$/), 'out_of_memory']]);
    next.close();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { GPUResourceManager } from '../src/gpu/gpu-resource-manager.js';
import type { ControlPlaneParts } from '../src/manager/control-plane.js';
import { ControlPlaneManager } from '../src/manager/control-plane-manager.js';
import type { ControlPlaneManagerOptions } from '../src/manager/control-plane-options.js';
import { type CatalogModel, catalogModelFromWire } from '../src/models/catalog-model.js';
import type { ModelEvent } from '../src/models/model-events.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import type { Lease } from '../src/scheduler/scheduler-types.js';
import {
  fakeBackend,
  sleepyFakeBackend,
  temporaryStateDir,
  testPortRange,
  waitFor,
} from './fake-engine-backend.js';

/** One mock GPU of 24 GB: two 16 GB models never fit at once. */
const gpuEnv = {
  ...process.env,
  SAGE_DISABLE_NVML: '1',
  SAGE_GPU_MOCK_COUNT: '1',
  SAGE_GPU_MOCK_MEMORY_GB: '24',
};
const managers: ControlPlaneManager[] = [];
/** The managers' parts (options.exposeParts), for assertions on ports, GPUs and processes. */
const partsOf = new WeakMap<ControlPlaneManager, ControlPlaneParts>();
const partsFor = (manager: ControlPlaneManager): ControlPlaneParts =>
  partsOf.get(manager) as ControlPlaneParts;

function model(name: string, extra: Record<string, unknown> = {}): CatalogModel {
  return catalogModelFromWire(
    { name, model_id: `fake/${name}`, backend: 'fake', use_gpu: false, ...extra },
    { trusted: true },
  );
}

async function createManager(
  catalog: CatalogModel[],
  timings: ControlPlaneManagerOptions['catalog'] = {},
): Promise<{ manager: ControlPlaneManager; events: ModelEvent[] }> {
  const stateDir = temporaryStateDir();
  let parts: ControlPlaneParts | undefined;
  const manager = new ControlPlaneManager({
    stateDir,
    exposeParts: (exposed) => {
      parts = exposed;
    },
    env: gpuEnv,
    gpu: new GPUResourceManager({ env: gpuEnv }),
    ports: new PortAllocator({ stateDir, ...testPortRange(20) }),
    customBackends: [fakeBackend, sleepyFakeBackend],
    // No allowed_extra_args: catalog args are operator-trusted and need none.
    healthCheckIntervalMs: 100,
    healthCheckTimeoutMs: 500,
    readinessPollMs: 20,
    restartBackoffBaseMs: 50,
    maxRestartAttempts: 1,
    stopTimeoutMs: 1000,
    startupTimeoutMs: 10_000,
    catalog: {
      models: catalog,
      checkIntervalMs: 30,
      minResidencyMs: 0,
      placementPollMs: 20,
      failureHoldoffMs: 5_000,
      ...timings,
    },
  });
  managers.push(manager);
  if (parts) partsOf.set(manager, parts);
  const events: ModelEvent[] = [];
  manager.on('model-event', (event) => events.push(event));
  await manager.start();
  return { manager, events };
}

let sequence = 0;
function acquire(manager: ControlPlaneManager, name: string, kind: Lease['engine']['engineKind'] = 'llm') {
  sequence += 1;
  return manager.acquire({ requestId: `r${sequence}`, model: name, kind, priority: 'normal' });
}

function enginesOf(manager: ControlPlaneManager, name: string) {
  return manager.listEngines().filter((engine) => engine.engineLabel === name && engine.status !== 'STOPPED');
}

afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
});

describe('on-demand models with the fake engine', () => {
  it('starts exactly one engine for concurrent first requests, which wait until it is RUNNING', async () => {
    const { manager, events } = await createManager([
      model('chat', { aliases: ['gpt-4o-mini'], args: ['--slow-start-ms', '300'] }),
    ]);
    expect(manager.catalog.get('chat').state).toBe('unloaded');
    const startedAt = Date.now();
    const pending = Array.from({ length: 6 }, (_, index) =>
      acquire(manager, index % 2 ? 'chat' : 'gpt-4o-mini'),
    );
    expect(manager.catalog.get('chat').state).toBe('loading');
    const leases = await Promise.all(pending);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(250);
    expect(new Set(leases.map((lease) => lease.engine.engineId)).size).toBe(1);
    expect(manager.listEngines()).toHaveLength(1);
    const [engine] = manager.listEngines();
    expect(engine?.status).toBe('RUNNING');
    // The operator-trusted args are on the command line although no allow-list permits them.
    expect(engine?.command).toEqual(expect.arrayContaining(['--slow-start-ms', '300']));
    expect(events.filter((event) => event.type === 'load')).toHaveLength(1);
    for (const lease of leases) lease.release({ ok: true });
    expect(manager.catalog.get('gpt-4o-mini').state).toBe('loaded');
  });

  it('answers every waiting request with the reason of a failed start', async () => {
    const { manager } = await createManager([model('broken', { args: ['--exit-at-start', '3'] })]);
    const results = await Promise.allSettled([acquire(manager, 'broken'), acquire(manager, 'broken')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(error.name).toBe('ModelLoadFailedError');
      expect(error.message).toMatch(/broken.*could not be loaded.*FAILED/s);
    }
    // Inside the hold-off, a new request gets the same reason at once instead of another start.
    await expect(acquire(manager, 'broken')).rejects.toMatchObject({ name: 'ModelLoadFailedError' });
    expect(manager.listEngines()).toHaveLength(1);
    expect(manager.catalog.get('broken').state).toBe('failed');
  });

  it('unloads an idle engine after ttl_s, never while a request is in flight', async () => {
    const { manager, events } = await createManager([model('idle', { ttl_s: 1 })]);
    const lease = await acquire(manager, 'idle');
    const engineId = lease.engine.engineId;
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(manager.getEngine(engineId).status).toBe('RUNNING');
    lease.release({ ok: true });
    await waitFor(() => manager.getEngine(engineId).status === 'STOPPED', 5_000);
    expect(events).toContainEqual({ type: 'unload', model: 'idle', engineId, reason: 'idle-ttl' });
    expect(manager.catalog.get('idle').state).toBe('unloaded');
    // The next request loads it again.
    const again = await acquire(manager, 'idle');
    expect(again.engine.engineId).not.toBe(engineId);
    again.release();
  });

  it('times a waiting request out with the load timeout while the model loads', async () => {
    const { manager } = await createManager([model('slow', { args: ['--slow-start-ms', '3000'] })], {
      loadTimeoutMs: 300,
    });
    // The queue timeout stays the default (30 s): the load timeout is what bounds this wait.
    await expect(acquire(manager, 'slow')).rejects.toMatchObject({ name: 'ModelLoadTimeoutError' });
  });
});

describe('GPU memory: placement and eviction (one mock GPU of 24 GB)', () => {
  const gpuModel = (name: string, extra: Record<string, unknown> = {}) =>
    model(name, { use_gpu: true, memory_gb: 16, ...extra });

  it('evicts the idle model to load another, and loads it back on demand', async () => {
    const { manager, events } = await createManager([gpuModel('a'), gpuModel('b')]);
    const a = await acquire(manager, 'a');
    a.release({ ok: true });
    const b = await acquire(manager, 'b');
    expect(manager.getEngine(a.engine.engineId).status).toBe('STOPPED');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'unload', model: 'a', reason: 'evicted', forModel: 'b' }),
      ]),
    );
    expect(manager.getEngine(b.engine.engineId).gpuIds).toEqual([0]);
    b.release({ ok: true });
    const a2 = await acquire(manager, 'a');
    expect(manager.getEngine(b.engine.engineId).status).toBe('STOPPED');
    a2.release();
  });

  it('never evicts an engine with a request in flight: the load waits for it', async () => {
    const { manager } = await createManager([gpuModel('a'), gpuModel('b')]);
    const a = await acquire(manager, 'a');
    let bLoaded = false;
    const b = acquire(manager, 'b').then((lease) => {
      bLoaded = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(bLoaded).toBe(false);
    expect(manager.getEngine(a.engine.engineId).status).toBe('RUNNING');
    a.release({ ok: true });
    (await b).release();
    expect(manager.getEngine(a.engine.engineId).status).toBe('STOPPED');
  });

  it('never evicts a pinned model; a model that can never fit is a 503 naming its memory', async () => {
    const { manager } = await createManager([
      gpuModel('pinned', { pinned: true }),
      gpuModel('other'),
      gpuModel('huge', { memory_gb: 40 }),
    ]);
    const pinned = await acquire(manager, 'pinned');
    pinned.release();
    await expect(acquire(manager, 'other')).rejects.toMatchObject({
      name: 'ModelLoadFailedError',
      message: expect.stringMatching(/'other' needs 16\.0 GB on each of 1 GPU.*pinned/),
    });
    await expect(acquire(manager, 'huge')).rejects.toMatchObject({
      message: expect.stringMatching(/'huge' needs 40\.0 GB.*largest GPU has 24\.0 GB/),
    });
    expect(manager.getEngine(pinned.engine.engineId).status).toBe('RUNNING');
  });

  it('evicts the lower priority model first', async () => {
    const { manager } = await createManager([
      gpuModel('low', { memory_gb: 8, priority: 'low' }),
      gpuModel('high', { memory_gb: 8, priority: 'high' }),
      gpuModel('new', { memory_gb: 12 }),
    ]);
    const high = await acquire(manager, 'high');
    high.release();
    const low = await acquire(manager, 'low');
    low.release(); // low is the most recently used, yet it goes first
    (await acquire(manager, 'new')).release();
    expect(manager.getEngine(low.engine.engineId).status).toBe('STOPPED');
    expect(manager.getEngine(high.engine.engineId).status).toBe('RUNNING');
  });
});

describe('replicas', () => {
  it('scales up when the queue waits and down to one when idle', async () => {
    const { manager, events } = await createManager(
      [model('busy', { max_replicas: 2, max_concurrent_requests: 1 })],
      { scaleUpQueueWaitMs: 100, replicaIdleMs: 300 },
    );
    const first = await acquire(manager, 'busy');
    const second = await acquire(manager, 'busy');
    expect(second.engine.engineId).not.toBe(first.engine.engineId);
    expect(enginesOf(manager, 'busy')).toHaveLength(2);
    await waitFor(() => events.some((event) => event.type === 'load' && event.reason === 'scale-up'));
    first.release();
    second.release();
    await waitFor(() => enginesOf(manager, 'busy').length === 1, 5_000);
    expect(events).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'unload', reason: 'scale-down' })]),
    );
  });
});

describe('the sleep tier (a backend with a sleep mode)', () => {
  const sleepy = (name: string, extra: Record<string, unknown> = {}) =>
    model(name, { backend: 'fake-sleepy', use_gpu: true, memory_gb: 16, ...extra });

  it('puts an idle engine to sleep after ttl_s (GPU memory released) and wakes the same process on demand', async () => {
    const { manager, events } = await createManager([sleepy('nap', { ttl_s: 1 })]);
    const lease = await acquire(manager, 'nap');
    const { engineId } = lease.engine;
    const pid = manager.getEngine(engineId).pid;
    expect(manager.getEngine(engineId).command).toEqual(expect.arrayContaining(['--model', 'fake/nap']));
    lease.release({ ok: true });
    await waitFor(() => manager.getEngine(engineId).status === 'SLEEPING', 5_000);
    await waitFor(() => partsFor(manager).gpu.reservationOf(engineId) === undefined, 5_000);
    expect(manager.catalog.get('nap').state).toBe('sleeping');
    expect((await manager.getGpuStatus())[0]?.memoryReservedGb).toBe(0);
    expect(events).toContainEqual({ type: 'sleep', model: 'nap', engineId, reason: 'idle-ttl' });
    const again = await acquire(manager, 'nap');
    expect(again.engine.engineId).toBe(engineId);
    expect(manager.getEngine(engineId)).toMatchObject({ status: 'RUNNING', pid });
    expect(partsFor(manager).gpu.reservationOf(engineId)).toMatchObject({ gpuIds: [0], gbPerGpu: 16 });
    // The wake is reported once the load returns, right after the engine took the request.
    await waitFor(() =>
      events.some((event) => event.type === 'wake' && event.ok && event.engineId === engineId),
    );
    expect(events.filter((event) => event.type === 'load')).toHaveLength(1);
    again.release();
  });

  it('evicts by putting the idle model to sleep, and swaps back by waking it', async () => {
    const { manager, events } = await createManager([sleepy('a'), sleepy('b')]);
    const a = await acquire(manager, 'a');
    a.release({ ok: true });
    const b = await acquire(manager, 'b');
    expect(manager.getEngine(a.engine.engineId).status).toBe('SLEEPING');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'sleep', model: 'a', reason: 'evicted', forModel: 'b' }),
    );
    b.release({ ok: true });
    const a2 = await acquire(manager, 'a');
    expect(a2.engine.engineId).toBe(a.engine.engineId);
    expect(manager.getEngine(b.engine.engineId).status).toBe('SLEEPING');
    a2.release();
    // Unloading by hand stops a sleeping engine for good.
    await manager.catalog.unload('b');
    expect(manager.getEngine(b.engine.engineId).status).toBe('STOPPED');
  });

  it('stops a woken engine whose canary answer is malformed and loads the model cold instead', async () => {
    const { manager, events } = await createManager([sleepy('bad', { args: ['--garbage-after-wake'] })]);
    const first = await acquire(manager, 'bad');
    first.release({ ok: true });
    const other = sleepy('other');
    manager.catalog.add([other]);
    (await acquire(manager, 'other')).release();
    expect(manager.getEngine(first.engine.engineId).status).toBe('SLEEPING');
    const second = await acquire(manager, 'bad');
    expect(second.engine.engineId).not.toBe(first.engine.engineId);
    expect(manager.getEngine(first.engine.engineId)).toMatchObject({
      status: 'STOPPED',
      lastError: expect.stringMatching(/canary/),
    });
    await waitFor(() => events.some((event) => event.type === 'wake' && !event.ok && event.model === 'bad'));
    second.release();
  });

  it('stops an engine whose sleep fails, and marks a sleeper whose process died STOPPED', async () => {
    const { manager } = await createManager([
      sleepy('insomniac', { args: ['--sleep-fails'] }),
      sleepy('sleeper'),
      sleepy('third'),
    ]);
    const insomniac = await acquire(manager, 'insomniac');
    insomniac.release();
    const sleeper = await acquire(manager, 'sleeper');
    expect(manager.getEngine(insomniac.engine.engineId).status).toBe('STOPPED');
    sleeper.release();
    (await acquire(manager, 'third')).release();
    const sleeperId = sleeper.engine.engineId;
    expect(manager.getEngine(sleeperId).status).toBe('SLEEPING');
    process.kill(manager.getEngine(sleeperId).pid ?? 0, 'SIGKILL');
    await waitFor(() => manager.getEngine(sleeperId).status === 'STOPPED', 5_000);
    expect(manager.catalog.get('sleeper').state).toBe('unloaded');
  });
});

describe('model groups', () => {
  it('loads the whole together group when one member is asked for', async () => {
    const { manager, events } = await createManager([model('chat'), model('embed', { kind: 'embedding' })], {
      groups: [{ name: 'rag', mode: 'together', members: ['chat', 'embed'] }],
    });
    const lease = await acquire(manager, 'chat');
    await waitFor(() => manager.catalog.get('embed').state === 'loaded', 10_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'load', model: 'embed', reason: 'group' }));
    expect(manager.listEngines()).toHaveLength(2);
    lease.release();
  });

  it('unloads the other members of an exclusive group before loading one (drained)', async () => {
    const { manager, events } = await createManager([model('left'), model('right')], {
      groups: [{ name: 'one-at-a-time', mode: 'exclusive', members: ['left', 'right'] }],
    });
    const left = await acquire(manager, 'left');
    let rightGranted = false;
    const right = acquire(manager, 'right').then((lease) => {
      rightGranted = true;
      return lease;
    });
    await waitFor(() => manager.getEngine(left.engine.engineId).status === 'DRAINING');
    expect(rightGranted).toBe(false); // the in-flight request on 'left' finishes first
    left.release({ ok: true });
    (await right).release();
    expect(manager.getEngine(left.engine.engineId).status).toBe('STOPPED');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'unload', model: 'left', reason: 'evicted', forModel: 'right' }),
    );
  });

  it('refuses a group naming a model the catalog lacks', () => {
    expect(
      () =>
        new ControlPlaneManager({
          stateDir: temporaryStateDir(),
          catalog: {
            models: [model('a')],
            groups: [{ name: 'g', mode: 'together', members: ['a', 'ghost'] }],
          },
        }),
    ).toThrow(/model_groups\.0\.members\.1: no catalog model 'ghost' \(models: a\)/);
  });
});

describe('closing while a model loads', () => {
  it('starts no engine after close() and leaves no process behind, whenever close() comes', async () => {
    for (const delayMs of [0, 1, 2, 4, 8, 16, 32]) {
      const { manager } = await createManager([model(`race${delayMs}`)]);
      const pids = new Set<number>();
      const executor = partsFor(manager).lifecycle.executor;
      const launch = executor.launch.bind(executor);
      executor.launch = async (spec) => {
        const launched = await launch(spec);
        if (launched.pid !== null) pids.add(launched.pid);
        return launched;
      };
      const request = acquire(manager, `race${delayMs}`).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await manager.close();
      managers.splice(managers.indexOf(manager), 1);
      await request;
      for (const engine of manager.listEngines()) {
        expect(['STOPPED', 'FAILED']).toContain(engine.status);
        if (engine.pid !== null) pids.add(engine.pid);
      }
      for (const pid of pids) expect(isAlive(pid), `pid ${pid} (close after ${delayMs} ms)`).toBe(false);
      const before = manager.listEngines().length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(manager.listEngines()).toHaveLength(before);
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

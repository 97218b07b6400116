import { join } from 'node:path';
import { ENGINE_EXIT_CODES } from '@sage/protocol';
import { type FakeKubernetes, fakeEnginePath, startFakeKubernetes } from '@sage/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineExecutor, ExecutorEvent, ExecutorLaunchSpec } from '../src/executors/engine-executor.js';
import { createExecutor, EXECUTORS } from '../src/executors/executor-registry.js';
import { PortAllocator } from '../src/ports/port-allocator.js';
import { temporaryStateDir, testPortRange, waitFor } from './fake-engine-backend.js';

/**
 * STYLE G6 for executors: every registered kind runs the same checks with real engines (the
 * fake engine). A kind lists how to build it against something real here (local: this host's
 * processes); one without a harness yet is a skip with its reason.
 */
interface ExecutorHarness {
  /** A fresh executor over its own state directory, and a second one over the same (a restarted gateway). */
  create(): { executor: EngineExecutor; again: () => EngineExecutor; stateDir: string };
  /** What the executor talks to, started before the checks and stopped after them. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

/** kubernetes: the fake API server and kubelet (@sage/testing), reached through a kubeconfig file. */
let cluster: FakeKubernetes | undefined;
const kubeconfigDir = temporaryStateDir();

const harnesses: Record<string, ExecutorHarness | { skip: string }> = {
  local: {
    create() {
      const stateDir = temporaryStateDir();
      const build = () =>
        createExecutor(
          { kind: 'local' },
          { stateDir, logger: pino({ level: 'silent' }), stopTimeoutMs: 2000 },
        );
      return { executor: build(), again: build, stateDir };
    },
  },
  kubernetes: {
    create() {
      const stateDir = temporaryStateDir();
      const build = () =>
        createExecutor(
          {
            kind: 'kubernetes',
            namespace: 'sage-contract',
            kubeconfig: join(kubeconfigDir, 'kubeconfig'),
            gateway: 'contract',
            images: { fake: 'example.com/sage/fake-engine:test' },
            engine_address: 'cluster_ip',
          },
          { stateDir, logger: pino({ level: 'silent' }), stopTimeoutMs: 2000 },
        );
      return { executor: build(), again: build, stateDir };
    },
    async setup() {
      cluster = await startFakeKubernetes({ namespaces: ['sage-contract'], restartBackoffMs: 200 });
      await cluster.writeKubeconfig(join(kubeconfigDir, 'kubeconfig'));
    },
    async teardown() {
      await cluster?.close();
    },
  },
};

const ports = new PortAllocator({ stateDir: temporaryStateDir(), ...testPortRange(7) });
let launches = 0;

async function specFor(stateDir: string, flags: string[] = []): Promise<ExecutorLaunchSpec> {
  launches += 1;
  const engineId = `contract-${launches}`;
  const port = await ports.allocate('llm', { owner: engineId });
  return {
    engineId,
    backend: 'fake',
    modelId: 'fake/model',
    kind: 'llm',
    host: '127.0.0.1',
    port,
    healthPaths: ['/health'],
    logPath: join(stateDir, `${engineId}.log`),
    argv: [process.execPath, fakeEnginePath, '--port', String(port), ...flags],
    env: { PATH: process.env.PATH ?? '' },
    ownEnv: {},
    gpuIds: [],
    device: 'cpu',
    nonce: `nonce-${engineId}`,
  };
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

afterAll(async () => {
  for (const port of ports.reservations().keys()) await ports.release(port);
});

for (const definition of EXECUTORS) {
  const harness = harnesses[definition.kind];
  if (harness === undefined || 'skip' in harness) {
    describe.skip(`executor ${definition.kind} (${harness?.skip ?? 'no harness: add one above'})`, () => {
      it('runs the contract', () => {});
    });
    continue;
  }
  describe(`executor ${definition.kind}`, () => {
    const { executor, again, stateDir } = harness.create();
    const events: ExecutorEvent[] = [];
    executor.subscribe((event) => events.push(event));

    beforeAll(async () => {
      await harness.setup?.();
    });
    afterAll(async () => {
      for (const running of await executor.list()) await executor.stopOrphan(running, { timeoutMs: 500 });
      await executor.close();
      await harness.teardown?.();
    });

    it('launches an engine that answers at its address, and stops it with its whole tree', async () => {
      const spec = await specFor(stateDir, ['--spawn-child']);
      const launched = await executor.launch(spec);
      expect(launched.address.baseUrl).toBe(`http://127.0.0.1:${spec.port}`);
      expect(executor.address(spec.engineId)).toEqual(launched.address);
      await waitFor(() => healthy(launched.address.baseUrl), 20_000);
      expect(executor.isAlive(spec.engineId)).toBe(true);
      expect((await executor.logTail(spec.engineId, 20)).join('\n')).toMatch(/listening/);
      const exit = await executor.stop(spec.engineId, { timeoutMs: 2000 });
      expect(exit?.class).toBe('stopped');
      expect(executor.isAlive(spec.engineId)).toBe(false);
      expect(executor.address(spec.engineId)).toBeNull();
      expect((await executor.list()).map((running) => running.engineId)).not.toContain(spec.engineId);
      expect(events.filter((event) => event.type === 'engine-exit')).toEqual([]);
    });

    it('gives every launch of an engine a new generation', async () => {
      const spec = await specFor(stateDir);
      const first = await executor.launch(spec);
      await executor.stop(spec.engineId);
      const second = await executor.launch({ ...spec, nonce: `${spec.nonce}-2` });
      expect(second.generation).not.toBe(first.generation);
      await executor.stop(spec.engineId);
    });

    it('reports an exit it did not cause, classified: not startable (78) is not retried', async () => {
      const spec = await specFor(stateDir, ['--exit-at-start', String(ENGINE_EXIT_CODES.configuration)]);
      const launched = await executor.launch(spec);
      await waitFor(
        () => events.some((event) => event.type === 'engine-exit' && event.engineId === spec.engineId),
        20_000,
      );
      const exit = events.find((event) => event.type === 'engine-exit' && event.engineId === spec.engineId);
      expect(exit).toMatchObject({
        generation: launched.generation,
        exit: { exitCode: ENGINE_EXIT_CODES.configuration, class: 'not_startable', retry: false },
      });
      expect(executor.isAlive(spec.engineId)).toBe(false);
    });

    it('reports a crash as retryable', async () => {
      const spec = await specFor(stateDir, ['--crash-after-ms', '200']);
      await executor.launch(spec);
      await waitFor(
        () => events.some((event) => event.type === 'engine-exit' && event.engineId === spec.engineId),
        20_000,
      );
      const exit = events.find((event) => event.type === 'engine-exit' && event.engineId === spec.engineId);
      expect(exit).toMatchObject({ exit: { class: 'crashed', retry: true } });
    });

    it('lists what it runs, so a restarted control plane identifies and adopts it', async () => {
      const spec = await specFor(stateDir);
      const launched = await executor.launch(spec);
      await waitFor(() => healthy(launched.address.baseUrl), 20_000);
      const next = again();
      try {
        const running = await next.list();
        const found = running.find((engine) => engine.engineId === spec.engineId);
        expect(found).toMatchObject({ nonce: spec.nonce, complete: true, generation: launched.generation });
        const check = next.identify(
          { engineId: spec.engineId, nonce: spec.nonce, handle: launched.handle },
          running,
        );
        expect(check.verdict).toBe('same');
        if (check.verdict !== 'same') return;
        const adopted = await next.adopt(check.running, spec);
        expect(adopted.generation).toBe(launched.generation);
        expect(adopted.address).toEqual(launched.address);
        expect(next.isAlive(spec.engineId)).toBe(true);
        await next.stop(spec.engineId);
        expect(
          next.identify(
            { engineId: spec.engineId, nonce: spec.nonce, handle: launched.handle },
            await next.list(),
          ).verdict,
        ).toBe('gone');
      } finally {
        await next.close();
      }
    });

    it('stops an orphan it lists', async () => {
      const spec = await specFor(stateDir);
      const launched = await executor.launch(spec);
      await waitFor(() => healthy(launched.address.baseUrl), 20_000);
      const next = again();
      const orphan = (await next.list()).find((engine) => engine.engineId === spec.engineId);
      expect(orphan).toBeDefined();
      if (orphan) await next.stopOrphan(orphan, { timeoutMs: 1000 });
      await waitFor(() => !executor.isAlive(spec.engineId), 10_000);
      expect((await next.list()).map((engine) => engine.engineId)).not.toContain(spec.engineId);
      await next.close();
    });
  });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createExecutor,
  type EngineExecutor,
  type ExecutorEvent,
  type ExecutorLaunchSpec,
  PortAllocator,
} from '@sage/control-plane';
import { type FakeKubernetes, fakeEnginePath, startFakeKubernetes } from '@sage/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { temporaryStateDir, waitFor } from './support/gateway-harness.js';

// The Kubernetes executor beyond the executor contract (control-plane/test/executor.contract.test.ts):
// pod states as events (Pending, image pulls,
// CrashLoopBackOff with its log tail), GPU limits and inventory, with examples/kubernetes/rbac.yaml
// enforced: a call it does not allow fails here.
// Every call goes over HTTP from @kubernetes/client-node to the fake API server.

/** The Role and ClusterRole of examples/kubernetes/rbac.yaml, for the fake server to enforce. */
function exampleRbac() {
  const text = readFileSync(new URL('../../../examples/kubernetes/rbac.yaml', import.meta.url), 'utf8');
  return parseAllDocuments(text)
    .map((document) => document.toJS())
    .filter((object) => object?.kind === 'Role' || object?.kind === 'ClusterRole');
}

/** Engine ports of this file: 21000 + 50 per slot, like the gateway harness's (slot 37). */
function portAllocator() {
  const start = 21_000 + 37 * 50;
  return new PortAllocator({
    stateDir: temporaryStateDir(),
    preferred: { llm: [start], embedding: [start + 1] },
    fallbackRange: { start: start + 2, end: start + 49 },
  });
}

describe('KubernetesExecutor', () => {
  // The namespace of examples/kubernetes/rbac.yaml, whose Role is enforced.
  const namespace = 'sage';
  const stateDir = temporaryStateDir();
  const ports = portAllocator();
  let cluster: FakeKubernetes;
  let executor: EngineExecutor;
  const events: ExecutorEvent[] = [];
  let launches = 0;

  async function spec(overrides: Partial<ExecutorLaunchSpec> & { flags?: string[] } = {}) {
    launches += 1;
    const engineId = `k8s-${launches}`;
    const port = await ports.allocate('llm', { owner: engineId });
    const { flags = [], ...rest } = overrides;
    return {
      engineId,
      backend: 'fake',
      modelId: 'Qwen/Qwen2.5-0.5B-Instruct',
      kind: 'llm',
      host: '127.0.0.1',
      port,
      healthPaths: ['/health'],
      logPath: join(stateDir, `${engineId}.log`),
      argv: [process.execPath, fakeEnginePath, '--host', '127.0.0.1', '--port', String(port), ...flags],
      env: { PATH: process.env.PATH ?? '' },
      ownEnv: { CUDA_VISIBLE_DEVICES: '' },
      gpuIds: [],
      device: 'cpu',
      nonce: `nonce-${engineId}`,
      ...rest,
    } satisfies ExecutorLaunchSpec;
  }

  beforeAll(async () => {
    cluster = await startFakeKubernetes({
      namespaces: [namespace],
      nodes: [
        { name: 'gpu-a', gpus: 2, gpuMemoryMiB: 81_559 },
        { name: 'cpu-b', gpus: 0 },
      ],
      unpullableImages: ['example.com/missing:1'],
      rbac: exampleRbac(),
      restartBackoffMs: 100,
    });
    const kubeconfig = await cluster.writeKubeconfig(join(stateDir, 'kubeconfig'));
    executor = createExecutor(
      {
        kind: 'kubernetes',
        namespace,
        kubeconfig,
        gateway: 'sage-gateway',
        images: { fake: 'example.com/sage/fake-engine:1', broken: 'example.com/missing:1' },
        engine_address: 'cluster_ip',
      },
      { stateDir, logger: pino({ level: 'silent' }), stopTimeoutMs: 1000 },
    );
    executor.subscribe((event) => events.push(event));
  });

  afterAll(async () => {
    for (const running of (await executor?.list()) ?? [])
      await executor.stopOrphan(running, { timeoutMs: 500 });
    await executor?.close();
    await cluster?.close();
    for (const port of ports.reservations().keys()) await ports.release(port);
  });

  it('lists the nodes’ allocatable nvidia.com/gpu as the GPU inventory', async () => {
    expect(await executor.gpuInventory?.()).toEqual([
      { index: 0, node: 'gpu-a', memoryTotalGb: 79.6 },
      { index: 1, node: 'gpu-a', memoryTotalGb: 79.6 },
    ]);
  });

  it('serves through the Service address, with the pod log as the engine log; stop deletes Deployment, Service and pod', async () => {
    const launch = await spec();
    const launched = await executor.launch(launch);
    expect(launched).toMatchObject({ pid: null, address: { baseUrl: `http://127.0.0.1:${launch.port}` } });
    await waitFor(
      async () => (await fetch(`${launched.address.baseUrl}/health`).catch(() => null))?.ok === true,
      20_000,
    );
    const answer = await fetch(`${launched.address.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: launch.modelId, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(200);
    const pod = cluster.list('pods', namespace)[0];
    expect(pod.metadata.labels['sagellm.io/engine-id']).toBe(launch.engineId);
    expect(pod.spec.containers[0].env.map((variable: { name: string }) => variable.name)).not.toContain(
      'CUDA_VISIBLE_DEVICES',
    );
    expect((await executor.logTail(launch.engineId, 5)).join('\n')).toContain(
      `listening on 127.0.0.1:${launch.port}`,
    );
    await executor.stop(launch.engineId);
    expect(cluster.list('deployments', namespace)).toEqual([]);
    expect(cluster.list('services', namespace)).toEqual([]);
    expect(cluster.list('pods', namespace)).toEqual([]);
  });

  it('asks for nvidia.com/gpu and waits Pending while no node has room, with the scheduler’s message', async () => {
    const launch = await spec({ device: 'cuda', gpuIds: [0, 1, 2] });
    const launched = await executor.launch(launch);
    const deployment = cluster.list('deployments', namespace)[0];
    expect(deployment.spec.template.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': '3' });
    const unschedulable = (event: ExecutorEvent) =>
      event.type === 'engine-waiting' &&
      event.engineId === launch.engineId &&
      event.reason.startsWith('Pending: ');
    await waitFor(() => events.some(unschedulable), 10_000);
    expect(events.find(unschedulable)).toEqual({
      type: 'engine-waiting',
      engineId: launch.engineId,
      generation: launched.generation,
      reason: 'Pending: 0/2 nodes are available: 2 Insufficient nvidia.com/gpu.',
      fatal: false,
    });
    expect(executor.isAlive(launch.engineId)).toBe(true);
    await executor.stop(launch.engineId);
  });

  it('reports an image that cannot be pulled, ImagePullBackOff as fatal', async () => {
    const launch = await spec({ backend: 'broken' });
    await executor.launch(launch);
    await waitFor(
      () =>
        events.some(
          (event) => event.type === 'engine-waiting' && event.engineId === launch.engineId && event.fatal,
        ),
      10_000,
    );
    const reasons = events
      .filter((event) => event.type === 'engine-waiting' && event.engineId === launch.engineId)
      .map((event) => (event.type === 'engine-waiting' ? event.reason.split(':')[0] : ''));
    // Pending and ContainerCreating first, then the pull errors; only ImagePullBackOff is fatal.
    expect(reasons.slice(-2)).toEqual(['ErrImagePull', 'ImagePullBackOff']);
    expect(
      events.filter(
        (event) => event.type === 'engine-waiting' && event.engineId === launch.engineId && event.fatal,
      ),
    ).toHaveLength(1);
    await executor.stop(launch.engineId);
  });

  it('follows the pod log as new lines come', async () => {
    const launch = await spec();
    const launched = await executor.launch(launch);
    await waitFor(
      async () => (await fetch(`${launched.address.baseUrl}/health`).catch(() => null))?.ok === true,
      20_000,
    );
    const lines: string[] = [];
    const controller = new AbortController();
    const following = executor.followLogs(launch.engineId, (more) => lines.push(...more), controller.signal);
    const pod = cluster
      .list('pods', namespace)
      .find((entry) => entry.metadata.labels['sagellm.io/engine-id'] === launch.engineId);
    await waitFor(
      () =>
        cluster.requests.some((request) => request.path.endsWith('/log') && request.query.follow === 'true'),
      10_000,
    );
    cluster.kubelet.kill(pod.metadata.name, { signal: 'SIGTERM' });
    await waitFor(() => lines.some((line) => line.includes('got SIGTERM')), 10_000);
    controller.abort();
    await following;
    await executor.stop(launch.engineId);
  });

  it('reports a killed container once, with its termination reason, and keeps the crashed log tail', async () => {
    const launch = await spec();
    const launched = await executor.launch(launch);
    await waitFor(
      async () => (await fetch(`${launched.address.baseUrl}/health`).catch(() => null))?.ok === true,
      20_000,
    );
    const pod = cluster
      .list('pods', namespace)
      .find((entry) => entry.metadata.labels['sagellm.io/engine-id'] === launch.engineId);
    cluster.kubelet.kill(pod.metadata.name, {
      keepFailing: { exitCode: 1, message: 'RuntimeError: CUDA error: an illegal memory access' },
    });
    await waitFor(
      () => events.some((event) => event.type === 'engine-exit' && event.engineId === launch.engineId),
      10_000,
    );
    const exits = events.filter(
      (event) => event.type === 'engine-exit' && event.engineId === launch.engineId,
    );
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({
      generation: launched.generation,
      exit: { class: 'killed', signal: 'SIGKILL', retry: true },
    });
    expect(executor.isAlive(launch.engineId)).toBe(false);
    // The kubelet keeps restarting it into CrashLoopBackOff; the log tail is the crashed container's.
    await waitFor(
      () =>
        cluster.kubelet.pods().some((entry) => entry.name === pod.metadata.name && entry.restartCount >= 2),
      10_000,
    );
    expect((await executor.logTail(launch.engineId, 5)).join('\n')).toContain('CUDA error');
    await executor.stop(launch.engineId);
    expect(cluster.list('pods', namespace)).toEqual([]);
  });
});

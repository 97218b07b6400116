import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeKubernetes, startFakeKubernetes } from '@sage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startTestGateway, type TestGateway, temporaryStateDir, waitFor } from './support/gateway-harness.js';

// The whole gateway on `executor: { kind: kubernetes }`: @kubernetes/client-node talks HTTP to
// the fake API server (examples/kubernetes/rbac.yaml enforced), whose simulated kubelet runs each
// pod's command as a local process. Start, serve, a killed container
// restarted, stop, a crash loop ending FAILED, gateway restart and adoption.

function exampleRbac() {
  const text = readFileSync(new URL('../../../examples/kubernetes/rbac.yaml', import.meta.url), 'utf8');
  return parseAllDocuments(text)
    .map((document) => document.toJS())
    .filter((object) => object?.kind === 'Role' || object?.kind === 'ClusterRole');
}

describe('the gateway with executor: kubernetes', () => {
  const namespace = 'sage';
  const stateDir = temporaryStateDir();
  let cluster: FakeKubernetes;
  let kubeconfig: string;
  let harness: TestGateway;

  const start = () =>
    startTestGateway(38, {
      managerOptions: {
        stateDir,
        // The GPUs are the cluster's (the nodes' allocatable nvidia.com/gpu), not this host's mock ones.
        gpu: undefined,
        executor: {
          kind: 'kubernetes',
          namespace,
          kubeconfig,
          images: { fake: 'example.com/sage/fake-engine:1' },
          engine_address: 'cluster_ip',
        },
      },
    });
  const deploymentsOf = (engineId: string) =>
    cluster
      .list('deployments', namespace)
      .filter((deployment) => deployment.metadata.labels['sagellm.io/engine-id'] === engineId);

  const podOf = (engineId: string) => {
    const pod = cluster
      .list('pods', namespace)
      .find((entry) => entry.metadata.labels['sagellm.io/engine-id'] === engineId);
    if (!pod) throw new Error(`no pod of ${engineId}`);
    return pod.metadata.name as string;
  };

  beforeAll(async () => {
    cluster = await startFakeKubernetes({
      namespaces: [namespace],
      nodes: [
        { name: 'gpu-a', gpus: 2, gpuMemoryMiB: 81_559 },
        { name: 'cpu-b', gpus: 0 },
      ],
      rbac: exampleRbac(),
      restartBackoffMs: 100,
    });
    kubeconfig = await cluster.writeKubeconfig(join(stateDir, 'kubeconfig'));
    harness = await start();
  });
  afterAll(async () => {
    await harness?.close();
    await cluster?.close();
  });

  it('starts an engine as a Deployment and serves a chat request through its Service', async () => {
    const engine = await harness.startEngine('fake/chat');
    expect(engine.status).toBe('RUNNING');
    expect(deploymentsOf(engine.engineId)).toHaveLength(1);
    const answer = await harness.client.chat.completions.create({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(answer.choices[0]?.message.content).toBe('tok0 tok1 tok2 tok3 tok4 ');
  });

  it('a restarted gateway adopts the running engine under its id, without a second Deployment', async () => {
    const [running] = harness.gateway.manager.listEngines().filter((engine) => engine.status === 'RUNNING');
    expect(running).toBeDefined();
    if (!running) return;
    const uid = deploymentsOf(running.engineId)[0]?.metadata.uid;
    await harness.gateway.close({ stopEngines: false, graceMs: 500 });
    harness = await start();
    await waitFor(() => harness.gateway.manager.getEngine(running.engineId).status === 'RUNNING', 20_000);
    expect(deploymentsOf(running.engineId).map((deployment) => deployment.metadata.uid)).toEqual([uid]);
    const answer = await harness.client.chat.completions.create({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'again' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });

  it('a killed container is restarted and the engine serves again, under a new generation', async () => {
    const [running] = harness.gateway.manager.listEngines().filter((engine) => engine.status === 'RUNNING');
    if (!running) throw new Error('no RUNNING engine');
    const before = harness.gateway.manager.engineGeneration(running.engineId);
    cluster.kubelet.kill(podOf(running.engineId));
    await waitFor(() => {
      const engine = harness.gateway.manager.getEngine(running.engineId);
      const generation = harness.gateway.manager.engineGeneration(running.engineId);
      return engine.status === 'RUNNING' && generation !== null && generation !== before;
    }, 20_000);
    const answer = await harness.client.chat.completions.create({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'after the kill' }],
    });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });

  it('places GPU engines on the nodes’ nvidia.com/gpu, a whole device each, and says so when the cluster has none left', async () => {
    const gpuList = async () => {
      const response = await fetch(`${harness.url}/v1/management/gpu`, {
        headers: harness.managementHeaders,
      });
      return (await response.json()) as {
        mock: boolean;
        gpus: Array<{ name: string; engine_ids: string[] }>;
      };
    };
    const before = await gpuList();
    expect(before.mock).toBe(false);
    expect(before.gpus.map((gpu) => gpu.name)).toEqual([
      'nvidia.com/gpu on gpu-a',
      'nvidia.com/gpu on gpu-a',
    ]);
    const engine = await harness.startEngine('fake/gpu-chat', { useGpu: true, requiredMemoryGb: 1 });
    expect(engine.gpuIds).toHaveLength(1);
    const limits = deploymentsOf(engine.engineId)[0]?.spec.template.spec.containers[0]?.resources?.limits;
    expect(limits?.['nvidia.com/gpu']).toBe('1');
    expect((await gpuList()).gpus.flatMap((gpu) => gpu.engine_ids)).toEqual([engine.engineId]);
    const response = await fetch(`${harness.url}/v1/management/engines`, {
      method: 'POST',
      headers: { ...harness.managementHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({
        model_id: 'fake/too-big',
        backend: 'fake',
        use_gpu: true,
        tensor_parallel_size: 2,
      }),
    });
    expect(response.status).toBe(409);
    expect(JSON.stringify(await response.json())).toMatch(/GPU/);
    await harness.gateway.manager.requestEngineShutdown(engine.engineId);
    expect((await gpuList()).gpus.flatMap((gpu) => gpu.engine_ids)).toEqual([]);
  });

  it('stop deletes the Deployment', async () => {
    const [running] = harness.gateway.manager.listEngines().filter((engine) => engine.status === 'RUNNING');
    if (!running) throw new Error('no RUNNING engine');
    const response = await fetch(`${harness.url}/v1/management/engines/${running.engineId}`, {
      method: 'DELETE',
      headers: { ...harness.managementHeaders, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    await waitFor(() => deploymentsOf(running.engineId).length === 0, 10_000);
  });

  it('a container that keeps crashing (CrashLoopBackOff) ends FAILED after the attempt limit, with its reason and log tail', async () => {
    const engine = await harness.startEngine('fake/chat');
    expect(engine.status).toBe('RUNNING');
    cluster.kubelet.kill(podOf(engine.engineId), {
      keepFailing: { exitCode: 1, message: 'RuntimeError: CUDA error: an illegal memory access' },
    });
    await waitFor(() => harness.gateway.manager.getEngine(engine.engineId).status === 'FAILED', 30_000);
    const failed = harness.gateway.manager.getEngine(engine.engineId);
    expect(failed.lastError).toMatch(/gave up after 2 restart attempt/);
    expect(failed.lastError).toMatch(/exit code 1/);
    expect(failed.lastError).toContain('RuntimeError: CUDA error: an illegal memory access');
    // FAILED holds nothing in the cluster: its Deployment and Service are gone.
    await waitFor(() => deploymentsOf(engine.engineId).length === 0, 10_000);
    const logs = await fetch(`${harness.url}/v1/management/engines/${engine.engineId}/logs`, {
      headers: harness.managementHeaders,
    });
    expect(logs.status).toBe(200);
    expect(await logs.text()).toContain('CUDA error');
  });
});

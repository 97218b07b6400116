import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeKubernetes,
  fakeEnginePath,
  pollUntil,
  startFakeKubernetes,
  validateKubernetesObject,
} from '../src/index.js';

const labels = { 'app.kubernetes.io/name': 'fake-test' };

function deployment(name: string, port: number, extra: { gpus?: number; args?: string[] } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...labels, app: name } },
      template: {
        metadata: { labels: { ...labels, app: name } },
        spec: {
          containers: [
            {
              name: 'engine',
              image: 'example/engine:1',
              command: [process.execPath, fakeEnginePath],
              args: ['--host', '0.0.0.0', '--port', String(port), ...(extra.args ?? [])],
              ports: [{ name: 'http', containerPort: port }],
              readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1 },
              ...(extra.gpus ? { resources: { limits: { 'nvidia.com/gpu': extra.gpus } } } : {}),
            },
          ],
        },
      },
    },
  };
}

describe('startFakeKubernetes', () => {
  let cluster: FakeKubernetes;
  let port = 0;
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${cluster.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token ?? cluster.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const deployments = '/apis/apps/v1/namespaces/sage/deployments';

  beforeAll(async () => {
    cluster = await startFakeKubernetes({ namespaces: ['sage'], nodes: [{ name: 'gpu-node', gpus: 1 }] });
    port = await freePort();
  });
  afterAll(async () => {
    await cluster.close();
  });

  it('answers Status objects: 401 for another token, 404, 409 AlreadyExists, 422 Invalid with the field', async () => {
    expect((await call('GET', deployments, undefined, 'wrong')).status).toBe(401);
    const missing = await call('GET', `${deployments}/nope`);
    expect(missing).toMatchObject({ status: 404, body: { kind: 'Status', reason: 'NotFound', code: 404 } });
    const invalid = await call('POST', deployments, {
      ...deployment('bad', port),
      spec: { ...deployment('bad', port).spec, replicas: 'one' },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.details.causes[0].field).toBe('spec.replicas');
    const mismatched = await call('POST', deployments, {
      ...deployment('mismatch', port),
      spec: { ...deployment('mismatch', port).spec, selector: { matchLabels: { other: 'x' } } },
    });
    expect(mismatched.body.details.causes[0].field).toBe('spec.template.metadata.labels');
    const badLabel = await call('POST', deployments, {
      ...deployment('label', port),
      metadata: { name: 'label', labels: { model: 'Qwen/Qwen2.5' } },
    });
    expect(badLabel.status).toBe(422);
    expect(
      (await call('POST', '/apis/apps/v1/namespaces/absent/deployments', deployment('x', port))).status,
    ).toBe(404);
  });

  it('runs a Deployment: a pod bound to a node, the engine Ready on loopback, logs, a cascading delete', async () => {
    const created = await call('POST', deployments, deployment('engine-a', port));
    expect(created.status).toBe(201);
    expect((await call('POST', deployments, deployment('engine-a', port))).body.reason).toBe('AlreadyExists');
    const ready = await pollUntil(async () => {
      const { body } = await call('GET', `${deployments}/engine-a`);
      return body.status?.readyReplicas === 1 ? body : undefined;
    });
    expect(ready.status.conditions.find((entry: { type: string }) => entry.type === 'Available').status).toBe(
      'True',
    );
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const pods = await call(
      'GET',
      `/api/v1/namespaces/sage/pods?labelSelector=${encodeURIComponent('app=engine-a')}`,
    );
    expect(pods.body.items).toHaveLength(1);
    const pod = pods.body.items[0];
    expect(pod.spec.nodeName).toBe('gpu-node');
    const log = await call('GET', `/api/v1/namespaces/sage/pods/${pod.metadata.name}/log?tailLines=2`);
    expect(log.body).toContain(`listening on 127.0.0.1:${port}`);

    const deleted = await call('DELETE', `${deployments}/engine-a`);
    expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success' });
    await pollUntil(async () => (await call('GET', '/api/v1/namespaces/sage/pods')).body.items.length === 0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('restarts a killed container into CrashLoopBackOff with restartCount and the last termination', async () => {
    await call('POST', deployments, deployment('engine-b', await freePort()));
    const pod = await pollUntil(async () => {
      const { body } = await call('GET', `/api/v1/namespaces/sage/pods?labelSelector=app%3Dengine-b`);
      return body.items[0]?.status.containerStatuses?.[0]?.ready ? body.items[0] : undefined;
    });
    cluster.kubelet.kill(pod.metadata.name, {
      keepFailing: { exitCode: 3, message: 'CUDA error: out of memory' },
    });
    const status = await pollUntil(async () => {
      const { body } = await call('GET', `/api/v1/namespaces/sage/pods/${pod.metadata.name}`);
      const container = body.status.containerStatuses[0];
      return container.restartCount >= 2 && container.state.waiting ? container : undefined;
    });
    expect(status.state.waiting.reason).toBe('CrashLoopBackOff');
    expect(status.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const previous = await call('GET', `/api/v1/namespaces/sage/pods/${pod.metadata.name}/log?previous=true`);
    expect(previous.body).toBe('CUDA error: out of memory\n');
    await call('DELETE', `${deployments}/engine-b`);
  });

  it('leaves a pod Pending and Unschedulable when no node has the GPUs it asks for', async () => {
    await call('POST', deployments, deployment('engine-c', await freePort(), { gpus: 2 }));
    const pod = await pollUntil(async () => {
      const { body } = await call('GET', '/api/v1/namespaces/sage/pods?labelSelector=app%3Dengine-c');
      return body.items[0]?.status.conditions?.[0]?.reason === 'Unschedulable' ? body.items[0] : undefined;
    });
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions[0].message).toContain('Insufficient nvidia.com/gpu');
    await call('DELETE', `${deployments}/engine-c`);
  });

  it('streams watch events from a resource version', async () => {
    const list = await call('GET', '/api/v1/namespaces/sage/services');
    const since = list.body.metadata.resourceVersion;
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc-a', labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 8000 }] },
    };
    expect((await call('POST', '/api/v1/namespaces/sage/services', service)).body.spec.clusterIP).toBe(
      '127.0.0.1',
    );
    await call('DELETE', '/api/v1/namespaces/sage/services/svc-a');
    const controller = new AbortController();
    const response = await fetch(
      `${cluster.url}/api/v1/namespaces/sage/services?watch=true&resourceVersion=${since}`,
      {
        headers: { authorization: `Bearer ${cluster.token}` },
        signal: controller.signal,
      },
    );
    const reader = response.body?.getReader();
    let text = '';
    while (reader && text.split('\n').length < 3)
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(
      text
        .split('\n')
        .slice(0, 2)
        .map((line) => JSON.parse(line).type),
    ).toEqual(['ADDED', 'DELETED']);
  });

  it('validates against the official schemas outside the server too', () => {
    expect(validateKubernetesObject(deployment('ok', 8000))).toEqual([]);
    const bad = deployment('bad', 8000, { gpus: 1 });
    bad.spec.template.spec.containers[0].resources = {
      limits: { 'nvidia.com/gpu': 'lots' as unknown as number },
    };
    expect(validateKubernetesObject(bad)[0]?.field).toBe(
      'spec.template.spec.containers[0].resources.limits.nvidia.com/gpu',
    );
  });
});

describe('startFakeKubernetes with rbac', () => {
  it('answers 403 Forbidden to what the Role and ClusterRole do not allow', async () => {
    const cluster = await startFakeKubernetes({
      namespaces: ['sage'],
      rbac: [
        {
          kind: 'Role',
          metadata: { name: 'r', namespace: 'sage' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
        },
        {
          kind: 'ClusterRole',
          metadata: { name: 'c' },
          rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
        },
      ],
    });
    try {
      const get = (path: string) =>
        fetch(`${cluster.url}${path}`, { headers: { authorization: `Bearer ${cluster.token}` } });
      expect((await get('/api/v1/namespaces/sage/pods')).status).toBe(200);
      expect((await get('/api/v1/nodes')).status).toBe(200);
      const forbidden = await get('/api/v1/namespaces/default/pods');
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ reason: 'Forbidden', code: 403 });
      expect((await get('/api/v1/namespaces/sage/pods?watch=true')).status).toBe(403);
      expect((await get('/apis/apps/v1/namespaces/sage/deployments')).status).toBe(403);
    } finally {
      await cluster.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createApiServer } from './api-server.js';
import { applyCreateDefaults, startControllers } from './controllers.js';
import { startKubelet } from './kubelet.js';
import { ObjectStore } from './object-store.js';
import { validateObject } from './validation.js';

/**
 * A fake Kubernetes cluster on loopback for the Kubernetes executor's tests: an API server over
 * real HTTP (so `@kubernetes/client-node` talks to it exactly as to a cluster, through a
 * kubeconfig file), the controllers that turn a Deployment into pods, a scheduler that honours
 * `nvidia.com/gpu`, and a simulated kubelet that runs each pod's command on this machine.
 * See the files beside this one for what each part does.
 *
 * @param {import('./fake-kubernetes.js').FakeKubernetesOptions} [options]
 */
export async function startFakeKubernetes(options = {}) {
  const store = new ObjectStore();
  const token = options.token ?? randomBytes(12).toString('hex');
  const podIp = options.podIp ?? '127.0.0.1';
  const namespaces = options.namespaces ?? ['default'];
  for (const name of new Set(['default', 'kube-system', ...namespaces])) {
    store.create('namespaces', undefined, {
      metadata: { name },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  for (const node of options.nodes ?? [{ name: 'fake-node' }])
    store.create('nodes', undefined, nodeObject(node));

  const kubelet = startKubelet({
    store,
    podIp,
    unpullableImages: options.unpullableImages,
    probeIntervalMs: options.probeIntervalMs,
    restartBackoffMs: options.restartBackoffMs,
    maxGraceMs: options.maxGraceMs,
  });
  const controllers = startControllers({ store, deletePod: (pod) => kubelet.deletePod(pod) });
  const api = createApiServer({
    store,
    token,
    rbac: options.rbac,
    hooks: {
      create: (resource, object) =>
        applyCreateDefaults(resource, object, { clusterIp: options.clusterIp ?? podIp }),
      deleted: (resource, object, propagationPolicy) => {
        if (resource === 'deployments') controllers.deploymentDeleted(object, propagationPolicy);
      },
      deletePod: (pod, gracePeriodSeconds) => kubelet.deletePod(pod, gracePeriodSeconds),
      logs: (pod, logOptions) => kubelet.logs(pod, logOptions),
    },
  });
  await new Promise((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const address = api.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    // client-node allows plain HTTP only with skip-TLS-verify set (there is no TLS to verify).
    clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'fake-user', user: { token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake-user', namespace: namespaces[0] } }],
    'current-context': 'fake',
  };

  return {
    url,
    token,
    store,
    kubelet,
    requests: api.requests,
    kubeconfig,
    /** Write the kubeconfig (JSON, which is YAML) to `path` and return the path. */
    async writeKubeconfig(path) {
      await writeFile(path, `${JSON.stringify(kubeconfig, null, 2)}\n`, { mode: 0o600 });
      return path;
    },
    /** Objects of a resource (`deployments`, `services`, `pods`, `nodes`) in a namespace. */
    list(resource, namespace) {
      return store.list(resource, namespace);
    },
    async close() {
      api.closeWatches();
      controllers.stop();
      await kubelet.close();
      api.server.closeAllConnections();
      await new Promise((resolve) => api.server.close(() => resolve()));
    },
  };
}

/** A Node object: `gpus` of allocatable `nvidia.com/gpu`, with GPU feature discovery labels. */
function nodeObject({
  name,
  gpus = 0,
  gpuProduct = 'NVIDIA-H100-80GB-HBM3',
  gpuMemoryMiB = 81559,
  labels = {},
}) {
  const resources = {
    cpu: '16',
    memory: '128Gi',
    pods: '110',
    ...(gpus > 0 ? { 'nvidia.com/gpu': String(gpus) } : {}),
  };
  return {
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(gpus > 0
          ? {
              'nvidia.com/gpu.product': gpuProduct,
              'nvidia.com/gpu.memory': String(gpuMemoryMiB),
              'nvidia.com/gpu.count': String(gpus),
            }
          : {}),
        ...labels,
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    },
  };
}

export { validateObject };

import { createHash } from 'node:crypto';
import { matchesSelectorObject } from './selectors.js';

const GPU = 'nvidia.com/gpu';
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The defaults the real API server adds on create (so what the executor reads back looks like
 * a cluster's objects): a Service's type, cluster IP and target ports; a Deployment's replicas,
 * strategy and pod defaults; a Pod's `Pending` status.
 */
export function applyCreateDefaults(resource, object, { clusterIp }) {
  if (resource === 'services') {
    object.spec = { type: 'ClusterIP', sessionAffinity: 'None', ...object.spec };
    object.spec.clusterIP ??= clusterIp;
    object.spec.clusterIPs ??= [object.spec.clusterIP];
    object.spec.ports = (object.spec.ports ?? []).map((port) => ({
      protocol: 'TCP',
      targetPort: port.port,
      ...port,
    }));
    object.status ??= { loadBalancer: {} };
  }
  if (resource === 'deployments') {
    object.spec = { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, ...object.spec };
    object.spec.strategy ??= {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    };
    object.spec.template.spec = {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      ...object.spec.template.spec,
    };
    object.status = {};
  }
  if (resource === 'pods') object.status = { phase: 'Pending' };
  return object;
}

/**
 * The controller manager and scheduler of the fake cluster, reacting to every change:
 * - a Deployment keeps `spec.replicas` pods of its current template (owner reference, the
 *   template's labels plus `pod-template-hash`); pods of an older template are deleted;
 * - its status counts replicas, ready and available pods, with `Available`/`Progressing`;
 * - deleting a Deployment deletes its pods (background propagation; `Orphan` keeps them);
 * - the scheduler binds a pending pod to a node with room for its `nvidia.com/gpu` limit, or
 *   marks it `Unschedulable` ("0/1 nodes are available: 1 Insufficient nvidia.com/gpu.").
 */
export function startControllers({ store, deletePod }) {
  let scheduled = false;
  const reconcileAll = () => {
    scheduled = false;
    for (const deployment of store.list('deployments')) reconcileDeployment(deployment);
    schedulePods();
  };
  const unsubscribe = store.subscribe(() => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(reconcileAll);
  });

  function ownedPods(deployment) {
    return store
      .list('pods', deployment.metadata.namespace)
      .filter((pod) => pod.metadata.ownerReferences?.some((owner) => owner.uid === deployment.metadata.uid));
  }

  function reconcileDeployment(deployment) {
    const hash = createHash('sha256')
      .update(JSON.stringify(deployment.spec.template))
      .digest('hex')
      .slice(0, 10);
    const pods = ownedPods(deployment);
    const live = pods.filter((pod) => !pod.metadata.deletionTimestamp);
    for (const pod of live) {
      if (pod.metadata.labels?.['pod-template-hash'] !== hash) deletePod(pod);
    }
    const current = live.filter((pod) => pod.metadata.labels?.['pod-template-hash'] === hash);
    const wanted = deployment.spec.replicas ?? 1;
    for (let index = current.length; index < wanted; index += 1) {
      const template = structuredClone(deployment.spec.template);
      current.push(
        store.create('pods', deployment.metadata.namespace, {
          metadata: {
            ...template.metadata,
            generateName: `${deployment.metadata.name}-${hash}-`,
            labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: deployment.metadata.name,
                uid: deployment.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: template.spec,
          status: { phase: 'Pending' },
        }),
      );
    }
    for (const extra of current.slice(wanted)) deletePod(extra);
    const counted = current.slice(0, wanted);
    const ready = counted.filter(isPodReady).length;
    store.mutate('deployments', deployment.metadata.namespace, deployment.metadata.name, (object) => {
      const previous = object.status?.conditions ?? [];
      const condition = (type, status, reason, message) => {
        const old = previous.find((entry) => entry.type === type);
        const changed = old?.status !== status;
        return {
          type,
          status,
          reason,
          message,
          lastUpdateTime: changed ? now() : (old?.lastUpdateTime ?? now()),
          lastTransitionTime: changed ? now() : (old?.lastTransitionTime ?? now()),
        };
      };
      object.status = {
        observedGeneration: object.metadata.generation,
        replicas: counted.length,
        updatedReplicas: counted.length,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(counted.length - ready > 0 ? { unavailableReplicas: counted.length - ready } : {}),
        conditions: [
          ready >= wanted
            ? condition(
                'Available',
                'True',
                'MinimumReplicasAvailable',
                'Deployment has minimum availability.',
              )
            : condition(
                'Available',
                'False',
                'MinimumReplicasUnavailable',
                'Deployment does not have minimum availability.',
              ),
          condition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${object.metadata.name}-${hash}" has successfully progressed.`,
          ),
        ],
      };
      if (ready === 0) delete object.status.readyReplicas;
      if (ready === 0) delete object.status.availableReplicas;
    });
  }

  function schedulePods() {
    const nodes = store.list('nodes');
    const pods = store.list('pods');
    for (const pod of pods) {
      if (pod.spec.nodeName || pod.metadata.deletionTimestamp) continue;
      const wanted = gpusOf(pod);
      const node = nodes.find((candidate) => {
        const allocatable = Number(candidate.status?.allocatable?.[GPU] ?? 0);
        const used = pods
          .filter((other) => other.spec.nodeName === candidate.metadata.name && !isFinished(other))
          .reduce((sum, other) => sum + gpusOf(other), 0);
        return (
          matchesSelectorObject(candidate.metadata.labels, { matchLabels: pod.spec.nodeSelector }) &&
          allocatable - used >= wanted
        );
      });
      if (node) {
        pod.spec.nodeName = node.metadata.name;
        store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (object) => {
          object.spec.nodeName = node.metadata.name;
          object.status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
        });
        continue;
      }
      const message = `0/${nodes.length} nodes are available: ${nodes.length} Insufficient ${GPU}.`;
      store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (object) => {
        if (object.status.conditions?.[0]?.message === message) return;
        object.status.conditions = [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message,
            lastTransitionTime: now(),
          },
        ];
      });
    }
  }

  return {
    /** A Deployment was deleted: its pods go too, unless the deletion orphans them. */
    deploymentDeleted(deployment, propagationPolicy) {
      if (propagationPolicy === 'Orphan') return;
      for (const pod of ownedPods(deployment)) deletePod(pod);
    },
    stop: unsubscribe,
  };
}

function isPodReady(pod) {
  return (
    pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ??
    false
  );
}

function isFinished(pod) {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

function gpusOf(pod) {
  return (pod.spec.containers ?? []).reduce(
    (sum, container) =>
      sum + Number(container.resources?.limits?.[GPU] ?? container.resources?.requests?.[GPU] ?? 0),
    0,
  );
}

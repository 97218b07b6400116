import { createHash } from 'node:crypto';
import type { V1Deployment, V1Service, V1Volume } from '@kubernetes/client-node';
import { ENGINE_MARKER_VARIABLES } from '../../lifecycle/engine-markers.js';
import type { ExecutorLaunchSpec } from '../engine-executor.js';

/** Label and annotation keys on every engine Deployment, Service and pod. */
export const ENGINE_LABELS = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  engineId: 'sagellm.io/engine-id',
  gateway: 'sagellm.io/gateway',
  /** The model id made a valid label value (`/` → `.`); the exact id is the annotation. */
  model: 'sagellm.io/model',
  kind: 'sagellm.io/engine-kind',
} as const;

export const ENGINE_ANNOTATIONS = {
  /** The exact engine id (the label is the id made a label value). */
  engineId: 'sagellm.io/engine-id',
  model: 'sagellm.io/model',
  backend: 'sagellm.io/backend',
  nonce: 'sagellm.io/launch-nonce',
  /** The encoded engine record, so a lost registry is rebuilt from what runs. */
  spec: 'sagellm.io/engine-spec',
  healthPaths: 'sagellm.io/health-paths',
  port: 'sagellm.io/port',
} as const;

/** The container name in every engine pod. */
export const ENGINE_CONTAINER = 'engine';

/** Variables never set in a pod: the device plugin assigns GPUs (SPEC §9), the image has its own PATH. */
const POD_ENV_DROPPED = new Set(['CUDA_VISIBLE_DEVICES', 'NVIDIA_VISIBLE_DEVICES', 'PATH']);

/** How engine pods are built: the executor's `sage.yaml` settings that reach the manifests. */
export interface EngineManifestSettings {
  namespace: string;
  /** The `sagellm.io/gateway` label: which gateway owns the engine (adoption lists by it). */
  gateway: string;
  /** The image of the engine's backend (from `executor.images`, or the built-in default). */
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never' | undefined;
  /** The model cache as a volume (a PersistentVolumeClaim or a host path) and where it is mounted. */
  modelCache?: { volume: Omit<V1Volume, 'name'>; mountPath: string } | undefined;
  nodeSelector?: Record<string, string> | undefined;
  serviceAccountName?: string | undefined;
  /** Seconds between SIGTERM and SIGKILL when the pod is deleted. */
  terminationGracePeriodSeconds: number;
}

/**
 * The Deployment and Service name of an engine: `sage-<engine id>` as an RFC 1123 label
 * (lowercase, at most 63 characters; a long or odd id is cut and keeps a hash of itself).
 */
export function engineResourceName(engineId: string): string {
  const base = `sage-${engineId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (base.length <= 63 && base === `sage-${engineId}`) return base;
  const hash = createHash('sha256').update(engineId).digest('hex').slice(0, 8);
  return `${base.slice(0, 54).replace(/-$/, '')}-${hash}`;
}

/** A string as a label value: at most 63 of `[A-Za-z0-9._-]`, alphanumeric at both ends. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '.')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The labels selecting one engine's pods (and only its). */
function engineSelector(engineId: string, gateway: string): Record<string, string> {
  return { [ENGINE_LABELS.engineId]: labelValue(engineId), [ENGINE_LABELS.gateway]: labelValue(gateway) };
}

/** The label selector (query syntax) of every engine of a gateway. */
export function gatewaySelector(gateway: string): string {
  return `${ENGINE_LABELS.gateway}=${labelValue(gateway)},${ENGINE_LABELS.managedBy}=sage`;
}

/**
 * The engine's command in its pod: the backend's argv with the host it was told to bind
 * replaced by `0.0.0.0` (the pod's own network namespace: the Service and the kubelet's probe
 * reach it on the pod IP, not on loopback).
 */
export function podArgv(argv: readonly string[], host: string): string[] {
  return argv.map((argument) => {
    if (argument === host) return '0.0.0.0';
    const equals = argument.indexOf('=');
    if (argument.startsWith('--') && equals > 0 && argument.slice(equals + 1) === host)
      return `${argument.slice(0, equals + 1)}0.0.0.0`;
    return argument;
  });
}

/**
 * The Deployment (one replica) and Service of a placed engine (pure). The pod runs the
 * backend's command in the configured image with only the control plane's own variables (never
 * `CUDA_VISIBLE_DEVICES`: `nvidia.com/gpu` limits let the device plugin assign GPUs), is ready
 * when the backend's first health path answers, and mounts the model cache when configured.
 *
 * @example
 * const { deployment, service } = engineManifests(spec, { namespace: 'sage', gateway: 'sage-gateway',
 *   image: 'vllm/vllm-openai:v0.11.0', terminationGracePeriodSeconds: 20 });
 */
export function engineManifests(
  spec: ExecutorLaunchSpec,
  settings: EngineManifestSettings,
): { deployment: V1Deployment; service: V1Service } {
  const name = engineResourceName(spec.engineId);
  const selector = engineSelector(spec.engineId, settings.gateway);
  const labels = {
    ...selector,
    [ENGINE_LABELS.name]: 'sage-engine',
    [ENGINE_LABELS.managedBy]: 'sage',
    [ENGINE_LABELS.model]: labelValue(spec.modelId) || 'model',
    [ENGINE_LABELS.kind]: spec.kind,
  };
  const annotations = {
    [ENGINE_ANNOTATIONS.engineId]: spec.engineId,
    [ENGINE_ANNOTATIONS.model]: spec.modelId,
    [ENGINE_ANNOTATIONS.backend]: spec.backend,
    [ENGINE_ANNOTATIONS.nonce]: spec.nonce,
    [ENGINE_ANNOTATIONS.healthPaths]: JSON.stringify(spec.healthPaths),
    [ENGINE_ANNOTATIONS.port]: String(spec.port),
    ...(spec.spec ? { [ENGINE_ANNOTATIONS.spec]: spec.spec } : {}),
  };
  const env = Object.entries(spec.ownEnv)
    .filter(([key]) => !POD_ENV_DROPPED.has(key))
    .map(([key, value]) => ({ name: key, value }));
  env.push(
    { name: ENGINE_MARKER_VARIABLES.engineId, value: spec.engineId },
    { name: ENGINE_MARKER_VARIABLES.nonce, value: spec.nonce },
  );
  const gpus = spec.device === 'cuda' ? spec.gpuIds.length : 0;
  const limits: Record<string, string> = {};
  if (gpus > 0) limits['nvidia.com/gpu'] = String(gpus);
  if (spec.memoryLimitBytes !== undefined) limits.memory = `${Math.ceil(spec.memoryLimitBytes / 2 ** 20)}Mi`;
  const [command, ...args] = podArgv(spec.argv, spec.host);
  const cache = settings.modelCache;
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: settings.namespace, labels, annotations },
    spec: {
      replicas: 1,
      // A restarted engine must not overlap its old pod on the same GPUs.
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
          enableServiceLinks: false,
          ...(settings.serviceAccountName ? { serviceAccountName: settings.serviceAccountName } : {}),
          ...(settings.nodeSelector ? { nodeSelector: settings.nodeSelector } : {}),
          containers: [
            {
              name: ENGINE_CONTAINER,
              image: settings.image,
              ...(settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {}),
              command: command === undefined ? [] : [command],
              args,
              env,
              ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
              readinessProbe: {
                httpGet: { path: spec.healthPaths[0] ?? '/health', port: 'http' },
                periodSeconds: 5,
                timeoutSeconds: 5,
                failureThreshold: 3,
              },
              ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
              ...(cache ? { volumeMounts: [{ name: 'model-cache', mountPath: cache.mountPath }] } : {}),
            },
          ],
          ...(cache ? { volumes: [{ name: 'model-cache', ...cache.volume }] } : {}),
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: settings.namespace, labels, annotations },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: spec.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
  return { deployment, service };
}

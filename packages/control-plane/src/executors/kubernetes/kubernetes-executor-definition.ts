import { z } from 'zod';
import type { EngineExecutor } from '../engine-executor.js';
import type { ExecutorDefinition } from '../executor-definition.js';
import { KubernetesExecutor } from './kubernetes-executor.js';

/** A Kubernetes name (RFC 1123 label): lowercase letters, digits and `-`. */
const KubernetesName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace is lowercase letters, digits and -');

/** Images used when `executor.images` names none for a backend. */
const DEFAULT_ENGINE_IMAGES: Readonly<Record<string, string>> = Object.freeze({
  /** vLLM's official OpenAI-compatible server image (its `vllm` is on PATH). */
  vllm: 'vllm/vllm-openai:v0.11.0',
});

const ModelCache = z
  .strictObject({
    /** A PersistentVolumeClaim holding the model cache (shared by engines: ReadWriteMany, or one node). */
    claim_name: KubernetesName.optional(),
    /** Or a directory on each node. */
    host_path: z.string().startsWith('/', 'host_path is an absolute path').optional(),
    /** Where the engine container sees it (default: vLLM's Hugging Face cache). */
    mount_path: z
      .string()
      .startsWith('/', 'mount_path is an absolute path')
      .default('/root/.cache/huggingface'),
    read_only: z.boolean().default(false),
  })
  .refine((cache) => (cache.claim_name === undefined) !== (cache.host_path === undefined), {
    message: 'model_cache needs exactly one of claim_name and host_path',
  });

const KubernetesExecutorConfig = z.strictObject({
  kind: z.literal('kubernetes'),
  /** The namespace engines' Deployments and Services are created in. */
  namespace: KubernetesName,
  /** A kubeconfig file; absent: in-cluster credentials (the gateway's ServiceAccount). */
  kubeconfig: z.string().min(1).optional(),
  /** The `sagellm.io/gateway` label of this gateway's engines: adoption after a restart lists by it. */
  gateway: z
    .string()
    .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'gateway is a Kubernetes label value')
    .default('sage-gateway'),
  /** The image per backend name; `vllm` defaults to vLLM's official image. */
  images: z.record(z.string(), z.string().min(1)).default({}),
  image_pull_policy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  /** How the gateway reaches an engine: its Service's DNS name (`name.namespace.svc`) or cluster IP. */
  engine_address: z.enum(['service_dns', 'cluster_ip']).default('service_dns'),
  model_cache: ModelCache.optional(),
  node_selector: z.record(z.string(), z.string()).optional(),
  /** The ServiceAccount engine pods run as (default: the namespace's `default`). */
  service_account: KubernetesName.optional(),
});

/**
 * `executor: { kind: kubernetes, namespace, kubeconfig? }`: a Deployment (1 replica) and a
 * Service per engine (issue 15, `kubernetes-executor.ts`).
 */
export const kubernetesExecutor = {
  kind: 'kubernetes',
  configSchema: KubernetesExecutorConfig,
  // Typed as the interface, so the public types never name @kubernetes/client-node (an optional peer).
  create: (config, context): EngineExecutor => {
    const cache = config.model_cache;
    return new KubernetesExecutor({
      namespace: config.namespace,
      kubeconfig: config.kubeconfig,
      gateway: config.gateway,
      images: { ...DEFAULT_ENGINE_IMAGES, ...config.images },
      imagePullPolicy: config.image_pull_policy,
      engineAddress: config.engine_address,
      modelCache: cache
        ? {
            volume: cache.claim_name
              ? { persistentVolumeClaim: { claimName: cache.claim_name, readOnly: cache.read_only } }
              : { hostPath: { path: cache.host_path ?? '', type: 'DirectoryOrCreate' } },
            mountPath: cache.mount_path,
          }
        : undefined,
      nodeSelector: config.node_selector,
      serviceAccountName: config.service_account,
      logger: context.logger,
      stopTimeoutMs: context.stopTimeoutMs,
    });
  },
} satisfies ExecutorDefinition<typeof KubernetesExecutorConfig>;

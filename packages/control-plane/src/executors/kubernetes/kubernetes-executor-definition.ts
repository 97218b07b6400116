import { z } from 'zod';
import { ExecutorUnavailableError } from '../../errors.js';
import type { ExecutorDefinition } from '../executor-definition.js';

/** A Kubernetes name (RFC 1123 label): lowercase letters, digits and `-`. */
const KubernetesName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace is lowercase letters, digits and -');

const KubernetesExecutorConfig = z.strictObject({
  kind: z.literal('kubernetes'),
  /** The namespace engines' Deployments and Services are created in. */
  namespace: KubernetesName,
  /** A kubeconfig file; absent: in-cluster credentials (the gateway's ServiceAccount). */
  kubeconfig: z.string().min(1).optional(),
});

/**
 * `executor: { kind: kubernetes, namespace, kubeconfig? }`: a Deployment (1 replica) and a
 * Service per engine (issue 15). The schema is in place; the executor itself lands separately.
 */
export const kubernetesExecutor = {
  kind: 'kubernetes',
  configSchema: KubernetesExecutorConfig,
  create: () => {
    throw new ExecutorUnavailableError('kubernetes', 'the Kubernetes executor is not part of this build yet');
  },
} satisfies ExecutorDefinition<typeof KubernetesExecutorConfig>;

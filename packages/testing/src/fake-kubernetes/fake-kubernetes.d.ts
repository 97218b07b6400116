export interface FakeKubernetesNode {
  name: string;
  /** Allocatable `nvidia.com/gpu` (default 0), with GPU feature discovery labels when > 0. */
  gpus?: number;
  gpuProduct?: string;
  gpuMemoryMiB?: number;
  labels?: Record<string, string>;
}

export interface FakeKubernetesOptions {
  /** Namespaces that exist besides `default` and `kube-system`; the first is the kubeconfig's. */
  namespaces?: string[];
  /** Default: one node `fake-node` without GPUs. */
  nodes?: FakeKubernetesNode[];
  /** The bearer token the API server requires (default: random; in the kubeconfig). */
  token?: string;
  /** Every pod's IP (default 127.0.0.1): the loopback address engines listen on. */
  podIp?: string;
  /** Every Service's cluster IP (default: the pod IP, so a Service port reaches its pod). */
  clusterIp?: string;
  /** Images whose pull fails (`ErrImagePull`, then `ImagePullBackOff`). */
  unpullableImages?: string[];
  /** Readiness probe period (default 100 ms; the probe's own periodSeconds is scaled down to it). */
  probeIntervalMs?: number;
  /** First restart back-off, doubling per restart up to 16× (default 100 ms). */
  restartBackoffMs?: number;
  /**
   * Role and ClusterRole objects (as in a manifest): requests their rules do not allow answer 403
   * Forbidden (a Role only in its namespace). Absent: everything is allowed.
   */
  // biome-ignore lint/suspicious/noExplicitAny: Role and ClusterRole objects
  rbac?: any[];
  /** Longest grace period a pod deletion waits before SIGKILL (default 2000 ms). */
  maxGraceMs?: number;
}

export interface FakeKubeletPod {
  name: string;
  namespace: string;
  pid: number | null;
  restartCount: number;
  ready: boolean;
}

export interface FakeKubelet {
  pods(): FakeKubeletPod[];
  /**
   * Kill a pod's container (default SIGKILL; the kubelet restarts it). With `keepFailing`, every
   * later container of its Deployment (also in a Deployment created again under the same name)
   * exits at once with `exitCode` after printing `message`: CrashLoopBackOff.
   */
  kill(
    podName: string,
    options?: { signal?: NodeJS.Signals; keepFailing?: { exitCode?: number; message?: string } },
  ): void;
  /** The containers of the pod's Deployment start normally again (ends `keepFailing`). */
  heal(podName: string): void;
}

export interface FakeKubernetesRequest {
  method: string | undefined;
  path: string;
  query: Record<string, string>;
}

export interface FakeKubernetes {
  /** `http://127.0.0.1:<port>`: the API server. */
  url: string;
  token: string;
  kubelet: FakeKubelet;
  /** Every request the API server answered, in order. */
  requests: FakeKubernetesRequest[];
  // biome-ignore lint/suspicious/noExplicitAny: a kubeconfig object
  kubeconfig: Record<string, any>;
  /** Write the kubeconfig to `path` (JSON, which is YAML) and return the path. */
  writeKubeconfig(path: string): Promise<string>;
  /** Stored objects of `deployments`, `services`, `pods`, `nodes` or `namespaces`. */
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects as stored
  list(resource: string, namespace?: string): any[];
  /** Stop the kubelet's processes, close watches and the server. */
  close(): Promise<void>;
}

export function startFakeKubernetes(options?: FakeKubernetesOptions): Promise<FakeKubernetes>;

/** Problems of an object against the official Kubernetes schemas and the API server's own rules (empty: valid). */
// biome-ignore lint/suspicious/noExplicitAny: any Kubernetes object
export function validateObject(object: any): { reason: string; message: string; field: string }[];

import { homedir } from 'node:os';
import { Writable } from 'node:stream';
import type * as k8s from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ExecutorUnavailableError } from '../../errors.js';
import type {
  EngineAddress,
  EngineExecutor,
  EngineExit,
  ExecutorEvent,
  ExecutorGpu,
  ExecutorHandle,
  ExecutorLaunchSpec,
  ExecutorTarget,
  LaunchCheck,
  LaunchedEngine,
  RecordedLaunch,
  RunningEngine,
} from '../engine-executor.js';
import {
  ENGINE_ANNOTATIONS,
  ENGINE_CONTAINER,
  ENGINE_LABELS,
  type EngineManifestSettings,
  engineManifests,
  engineResourceName,
  gatewaySelector,
  labelValue,
} from './engine-manifests.js';
import { observePod } from './pod-status.js';

type ClientModule = typeof k8s;

/** How the gateway reaches an engine's Service: its cluster DNS name, or its cluster IP. */
export type EngineAddressMode = 'service_dns' | 'cluster_ip';

export interface KubernetesExecutorOptions
  extends Omit<EngineManifestSettings, 'image' | 'terminationGracePeriodSeconds'> {
  /** A kubeconfig file (`~` expanded); absent: the pod's in-cluster ServiceAccount credentials. */
  kubeconfig?: string | undefined;
  /** Image per backend name (`vllm` defaults to vLLM's official image). */
  images: Readonly<Record<string, string>>;
  engineAddress: EngineAddressMode;
  logger: Logger;
  stopTimeoutMs: number;
  /** Replaceable for tests of a missing client library. */
  loadClient?: () => Promise<ClientModule>;
}

interface Clients {
  module: ClientModule;
  config: k8s.KubeConfig;
  apps: k8s.AppsV1Api;
  core: k8s.CoreV1Api;
}

interface TrackedEngine {
  engineId: string;
  name: string;
  nonce: string;
  generation: string;
  address: EngineAddress;
  /** The engine's container ended (reported once per generation); the supervisor decides what next. */
  exited: boolean;
  stopped: boolean;
  lastWaiting: string | null;
  podName: string | null;
  /** The log tail read when the container ended (the pod may be gone when it is asked for). */
  lastTail: string[];
}

const NOT_FOUND = 404;
const CONFLICT = 409;

/**
 * Engines on Kubernetes (issue 15): per engine a Deployment of one replica and a ClusterIP
 * Service in the configured namespace (see `engine-manifests.ts`), through
 * `@kubernetes/client-node` (loaded on first use, so local users never load it). State comes
 * from one watch of the gateway's pods: Pending and image pull errors are `engine-waiting`
 * (fatal ones FAILED at once), a terminated container is an `engine-exit` classified from its
 * exit code and reason, with the pod's restart count; the supervisor counts attempts and
 * restarts by deleting and creating the Deployment again. Health checks and requests go to the
 * Service. Adoption lists the Deployments labelled with this gateway.
 *
 * @example
 * const executor = new KubernetesExecutor({ namespace: 'sage', gateway: 'sage-gateway',
 *   images: { vllm: 'vllm/vllm-openai:v0.11.0' }, engineAddress: 'service_dns', logger, stopTimeoutMs: 20_000 });
 */
export class KubernetesExecutor implements EngineExecutor {
  readonly kind = 'kubernetes';
  private readonly engines = new Map<string, TrackedEngine>();
  private readonly listeners = new Set<(event: ExecutorEvent) => void>();
  private clientsPromise: Promise<Clients> | undefined;
  private informer: (k8s.Informer<k8s.V1Pod> & k8s.ObjectCache<k8s.V1Pod>) | undefined;
  private watching: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: KubernetesExecutorOptions) {}

  private clients(): Promise<Clients> {
    this.clientsPromise ??= (async () => {
      let module: ClientModule;
      try {
        module = await (this.options.loadClient ?? (() => import('@kubernetes/client-node')))();
      } catch (error) {
        throw new ExecutorUnavailableError(
          'kubernetes',
          `@kubernetes/client-node is not installed (npm install @kubernetes/client-node@1.4.0): ${(error as Error).message}`,
        );
      }
      const config = new module.KubeConfig();
      if (this.options.kubeconfig)
        config.loadFromFile(this.options.kubeconfig.replace(/^~(?=$|\/)/, homedir()));
      else config.loadFromCluster();
      return {
        module,
        config,
        apps: config.makeApiClient(module.AppsV1Api),
        core: config.makeApiClient(module.CoreV1Api),
      };
    })();
    return this.clientsPromise;
  }

  subscribe(listener: (event: ExecutorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ExecutorEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async launch(spec: ExecutorLaunchSpec): Promise<LaunchedEngine> {
    const image = this.options.images[spec.backend];
    if (!image)
      throw new ExecutorUnavailableError(
        'kubernetes',
        `no image for backend '${spec.backend}': set executor.images.${spec.backend} in sage.yaml`,
      );
    const { apps, core } = await this.clients();
    await this.watchPods();
    const { deployment, service } = engineManifests(spec, {
      ...this.options,
      image,
      terminationGracePeriodSeconds: Math.max(1, Math.ceil(this.options.stopTimeoutMs / 1000)),
    });
    const namespace = this.options.namespace;
    const name = engineResourceName(spec.engineId);
    const createdService = await createReplacing(
      () => core.createNamespacedService({ namespace, body: service }),
      () => this.deleteQuietly(() => core.deleteNamespacedService({ namespace, name })),
    );
    const createdDeployment = await createReplacing(
      () => apps.createNamespacedDeployment({ namespace, body: deployment }),
      () => this.deleteDeploymentAndWait(name, spec.engineId, undefined),
    );
    const generation = createdDeployment.metadata?.uid ?? spec.nonce;
    const address = this.addressOf(createdService, spec.port);
    this.engines.set(spec.engineId, {
      engineId: spec.engineId,
      name,
      nonce: spec.nonce,
      generation,
      address,
      exited: false,
      stopped: false,
      lastWaiting: null,
      podName: null,
      lastTail: [],
    });
    this.options.logger.info(
      { engineId: spec.engineId, deployment: name, namespace, image },
      'engine-deployment-created',
    );
    return { generation, address, handle: handleOf(name, namespace, generation), pid: null };
  }

  private addressOf(service: k8s.V1Service, port: number): EngineAddress {
    const name = service.metadata?.name ?? '';
    const host =
      this.options.engineAddress === 'cluster_ip' &&
      service.spec?.clusterIP &&
      service.spec.clusterIP !== 'None'
        ? service.spec.clusterIP
        : `${name}.${this.options.namespace}.svc`;
    const formatted = host.includes(':') ? `[${host}]` : host;
    return { host, port, baseUrl: `http://${formatted}:${port}` };
  }

  async stop(engineId: string, options: { timeoutMs?: number } = {}): Promise<EngineExit | null> {
    const tracked = this.engines.get(engineId);
    if (!tracked || tracked.stopped) return null;
    tracked.stopped = true;
    const { core } = await this.clients();
    const namespace = this.options.namespace;
    await this.deleteDeploymentAndWait(tracked.name, engineId, options.timeoutMs);
    await this.deleteQuietly(() => core.deleteNamespacedService({ namespace, name: tracked.name }));
    this.options.logger.info({ engineId, deployment: tracked.name }, 'engine-deployment-deleted');
    return {
      exitCode: null,
      signal: 'SIGTERM',
      class: 'stopped',
      retry: true,
      description: 'stopped by the control plane (Deployment deleted)',
    };
  }

  /** Delete a Deployment and wait until its pods are gone (so a new launch does not overlap them). */
  private async deleteDeploymentAndWait(
    name: string,
    engineId: string,
    timeoutMs: number | undefined,
  ): Promise<void> {
    const { apps, core } = await this.clients();
    const namespace = this.options.namespace;
    await this.deleteQuietly(() =>
      apps.deleteNamespacedDeployment({ namespace, name, body: { propagationPolicy: 'Background' } }),
    );
    const deadline = Date.now() + (timeoutMs ?? this.options.stopTimeoutMs) + 10_000;
    const selector = `${ENGINE_LABELS.engineId}=${labelValue(engineId)}`;
    while (Date.now() < deadline) {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: `${gatewaySelector(this.options.gateway)},${selector}`,
      });
      if (pods.items.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.options.logger.warn(
      { engineId, deployment: name },
      'engine pods still terminating after the stop timeout',
    );
  }

  private async deleteQuietly(remove: () => Promise<unknown>): Promise<void> {
    try {
      await remove();
    } catch (error) {
      if (statusOf(error) !== NOT_FOUND) throw error;
    }
  }

  isAlive(engineId: string): boolean {
    const tracked = this.engines.get(engineId);
    return tracked !== undefined && !tracked.stopped && !tracked.exited;
  }

  address(engineId: string): EngineAddress | null {
    const tracked = this.engines.get(engineId);
    return tracked && !tracked.stopped ? tracked.address : null;
  }

  async logTail(engineId: string, lines: number): Promise<string[]> {
    const tracked = this.engines.get(engineId);
    if (!tracked) return [];
    const read = await this.readLog(tracked, lines, tracked.exited);
    return read ?? tracked.lastTail.slice(-lines);
  }

  private async readLog(tracked: TrackedEngine, lines: number, previous: boolean): Promise<string[] | null> {
    const podName = tracked.podName ?? (await this.currentPod(tracked))?.metadata?.name;
    if (!podName) return null;
    const { core } = await this.clients();
    const read = async (fromPrevious: boolean) =>
      core.readNamespacedPodLog({
        namespace: this.options.namespace,
        name: podName,
        container: ENGINE_CONTAINER,
        tailLines: lines,
        ...(fromPrevious ? { previous: true } : {}),
      });
    try {
      return splitLines(await read(previous));
    } catch {
      if (!previous) return null;
      try {
        return splitLines(await read(false));
      } catch {
        return null;
      }
    }
  }

  private async currentPod(tracked: TrackedEngine): Promise<k8s.V1Pod | undefined> {
    const { core } = await this.clients();
    const pods = await core.listNamespacedPod({
      namespace: this.options.namespace,
      labelSelector: `${ENGINE_LABELS.engineId}=${labelValue(tracked.engineId)},${gatewaySelector(this.options.gateway)}`,
    });
    return pods.items.find((pod) => pod.metadata?.annotations?.[ENGINE_ANNOTATIONS.nonce] === tracked.nonce);
  }

  async followLogs(engineId: string, onLines: (lines: string[]) => void, signal: AbortSignal): Promise<void> {
    const tracked = this.engines.get(engineId);
    if (!tracked || signal.aborted) return;
    const podName = tracked.podName ?? (await this.currentPod(tracked))?.metadata?.name;
    if (!podName) return;
    const { module, config } = await this.clients();
    let partial = '';
    await new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, callback) {
          const text = partial + chunk.toString('utf8');
          const parts = text.split('\n');
          partial = parts.pop() ?? '';
          if (parts.length > 0) onLines(parts);
          callback();
        },
      });
      void new module.Log(config)
        .log(this.options.namespace, podName, ENGINE_CONTAINER, sink, () => resolve(), {
          follow: true,
          tailLines: 0,
        })
        .then((controller) => {
          if (signal.aborted) controller.abort();
          signal.addEventListener('abort', () => {
            controller.abort();
            resolve();
          });
        })
        .catch(() => resolve());
    });
  }

  async list(): Promise<RunningEngine[]> {
    const { apps, core } = await this.clients();
    const namespace = this.options.namespace;
    const labelSelector = gatewaySelector(this.options.gateway);
    const [deployments, pods] = await Promise.all([
      apps.listNamespacedDeployment({ namespace, labelSelector }),
      core.listNamespacedPod({ namespace, labelSelector }),
    ]);
    const running: RunningEngine[] = [];
    for (const deployment of deployments.items) {
      const annotations = deployment.metadata?.annotations ?? {};
      const engineId = annotations[ENGINE_ANNOTATIONS.engineId];
      const nonce = annotations[ENGINE_ANNOTATIONS.nonce];
      const uid = deployment.metadata?.uid;
      const name = deployment.metadata?.name;
      if (!engineId || !nonce || !uid || !name || deployment.metadata?.deletionTimestamp) continue;
      const ownPods = pods.items.filter(
        (pod) =>
          pod.metadata?.annotations?.[ENGINE_ANNOTATIONS.nonce] === nonce && !pod.metadata?.deletionTimestamp,
      );
      const broken = ownPods.some((pod) => {
        const observed = observePod(pod);
        return observed.type === 'exited' || (observed.type === 'waiting' && observed.fatal);
      });
      running.push({
        engineId,
        nonce,
        generation: uid,
        complete: !broken,
        handle: handleOf(name, namespace, uid),
        ...(annotations[ENGINE_ANNOTATIONS.spec] ? { spec: annotations[ENGINE_ANNOTATIONS.spec] } : {}),
        pid: null,
      });
    }
    return running;
  }

  identify(recorded: RecordedLaunch, running: readonly RunningEngine[]): LaunchCheck {
    const match = running.find(
      (engine) =>
        engine.engineId === recorded.engineId &&
        ((recorded.nonce !== null && engine.nonce === recorded.nonce) ||
          (recorded.handle?.uid !== undefined && engine.handle.uid === recorded.handle.uid)),
    );
    if (!match) return { verdict: 'gone' };
    return match.complete ? { verdict: 'same', running: match } : { verdict: 'remnants', running: match };
  }

  async adopt(running: RunningEngine, target: ExecutorTarget): Promise<LaunchedEngine> {
    const { core } = await this.clients();
    const name = String(running.handle.deployment ?? engineResourceName(running.engineId));
    const service = await core.readNamespacedService({ namespace: this.options.namespace, name });
    const address = this.addressOf(service, target.port);
    this.engines.set(running.engineId, {
      engineId: running.engineId,
      name,
      nonce: running.nonce,
      generation: running.generation,
      address,
      exited: false,
      stopped: false,
      lastWaiting: null,
      podName: null,
      lastTail: [],
    });
    await this.watchPods();
    for (const pod of this.informer?.list() ?? []) this.onPod(pod);
    this.options.logger.info({ engineId: running.engineId, deployment: name }, 'engine-deployment-adopted');
    return { generation: running.generation, address, handle: running.handle, pid: null };
  }

  async stopOrphan(running: RunningEngine, options: { timeoutMs?: number } = {}): Promise<void> {
    const { core } = await this.clients();
    const name = String(running.handle.deployment ?? engineResourceName(running.engineId));
    this.options.logger.warn({ engineId: running.engineId, deployment: name }, 'engine-orphan-stopped');
    await this.deleteDeploymentAndWait(name, running.engineId, options.timeoutMs);
    await this.deleteQuietly(() => core.deleteNamespacedService({ namespace: this.options.namespace, name }));
    const tracked = this.engines.get(running.engineId);
    if (tracked && tracked.nonce === running.nonce) tracked.stopped = true;
  }

  /** One GPU per allocatable `nvidia.com/gpu` of each node, with its memory from GPU feature discovery labels. */
  async gpuInventory(): Promise<ExecutorGpu[]> {
    const { core } = await this.clients();
    const nodes = await core.listNode();
    const gpus: ExecutorGpu[] = [];
    for (const node of nodes.items) {
      const count = Number(node.status?.allocatable?.['nvidia.com/gpu'] ?? 0);
      const memoryMiB = Number(node.metadata?.labels?.['nvidia.com/gpu.memory'] ?? Number.NaN);
      for (let index = 0; index < count; index += 1) {
        gpus.push({
          index: gpus.length,
          node: node.metadata?.name,
          ...(Number.isFinite(memoryMiB) ? { memoryTotalGb: Math.round((memoryMiB / 1024) * 10) / 10 } : {}),
        });
      }
    }
    return gpus;
  }

  /** One watch of this gateway's pods (an informer: list, then watch; restarted after errors). */
  private watchPods(): Promise<void> {
    this.watching ??= (async () => {
      const { module, config, core } = await this.clients();
      const namespace = this.options.namespace;
      const labelSelector = gatewaySelector(this.options.gateway);
      const informer = module.makeInformer(
        config,
        `/api/v1/namespaces/${namespace}/pods`,
        () => core.listNamespacedPod({ namespace, labelSelector }),
        labelSelector,
      );
      informer.on('add', (pod) => this.onPod(pod));
      informer.on('update', (pod) => this.onPod(pod));
      informer.on('delete', (pod) => this.onPodDeleted(pod));
      informer.on('error', (error) => {
        if (this.closed) return;
        this.options.logger.warn({ err: error }, 'kubernetes pod watch failed: restarting it');
        setTimeout(() => {
          if (!this.closed) void informer.start().catch(() => undefined);
        }, 1000).unref();
      });
      this.informer = informer;
      await informer.start();
    })();
    return this.watching;
  }

  private trackedOf(pod: k8s.V1Pod): TrackedEngine | undefined {
    const engineId = pod.metadata?.annotations?.[ENGINE_ANNOTATIONS.engineId];
    const tracked = engineId === undefined ? undefined : this.engines.get(engineId);
    if (!tracked || tracked.stopped) return undefined;
    return pod.metadata?.annotations?.[ENGINE_ANNOTATIONS.nonce] === tracked.nonce ? tracked : undefined;
  }

  private onPod(pod: k8s.V1Pod): void {
    const tracked = this.trackedOf(pod);
    if (!tracked || tracked.exited) return;
    if (pod.metadata?.deletionTimestamp) return;
    tracked.podName = pod.metadata?.name ?? tracked.podName;
    const observed = observePod(pod);
    if (observed.type === 'waiting' && observed.reason !== tracked.lastWaiting) {
      tracked.lastWaiting = observed.reason;
      this.emit({
        type: 'engine-waiting',
        engineId: tracked.engineId,
        generation: tracked.generation,
        reason: observed.reason,
        fatal: observed.fatal,
      });
    }
    if (observed.type === 'exited') this.reportExit(tracked, observed.exit);
  }

  private onPodDeleted(pod: k8s.V1Pod): void {
    const tracked = this.trackedOf(pod);
    if (!tracked || tracked.exited) return;
    this.reportExit(tracked, {
      exitCode: null,
      signal: 'SIGKILL',
      class: 'killed',
      retry: true,
      description: `pod ${pod.metadata?.name} was deleted (evicted, drained or deleted by hand)`,
    });
  }

  private reportExit(tracked: TrackedEngine, exit: EngineExit): void {
    tracked.exited = true;
    this.options.logger.warn({ engineId: tracked.engineId, ...exit }, 'engine-container-exit');
    // Keep the tail of the ended container: the pod goes when the supervisor replaces the Deployment.
    void this.readLog(tracked, 50, true).then((lines) => {
      if (lines) tracked.lastTail = lines;
      this.emit({ type: 'engine-exit', engineId: tracked.engineId, generation: tracked.generation, exit });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.informer?.stop();
  }
}

function handleOf(name: string, namespace: string, uid: string): ExecutorHandle {
  return { deployment: name, service: name, namespace, uid };
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The HTTP status of a client-node error (`ApiException.code`). */
function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Create an object; on 409 AlreadyExists (a leftover of an earlier launch) remove it and create again. */
async function createReplacing<T>(create: () => Promise<T>, removeLeftover: () => Promise<void>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (statusOf(error) !== CONFLICT) throw error;
    await removeLeftover();
    return create();
  }
}

import type { EngineExitClass, EngineKind } from '@sage/protocol';

/**
 * The one seam through which engines run (SPEC §9, §10 "Executors"). The manager, supervisor,
 * scheduler and gateway speak only this; pids, process groups, `/proc` (local) or Deployments
 * and pods (Kubernetes) stay inside an implementation. Placement (port, GPUs) is decided before
 * `launch`; health checks and requests are HTTP to {@link EngineExecutor.address}.
 * Implementations: `executors/local/` (`kind: local`, the default), registered in
 * `executor-registry.ts`.
 */
export interface EngineExecutor {
  /** The registry key (`local`, `kubernetes`), as in `sage.yaml` `executor.kind`. */
  readonly kind: string;
  /** Run one placed engine. A previous launch of the same engine id must be stopped first. */
  launch(spec: ExecutorLaunchSpec): Promise<LaunchedEngine>;
  /** Stop the engine and everything it started; resolves with how it ended (null: nothing ran). */
  stop(engineId: string, options?: { timeoutMs?: number }): Promise<EngineExit | null>;
  /** Exits nobody asked for, and state changes worth knowing (waiting, ready, restarted). Returns an unsubscribe. */
  subscribe(listener: (event: ExecutorEvent) => void): () => void;
  /** Whether the engine's current launch still runs (cheap, synchronous: from the executor's own view). */
  isAlive(engineId: string): boolean;
  /** Where the engine answers HTTP (health checks and requests go here); null when it has no address. */
  address(engineId: string): EngineAddress | null;
  /** The last lines of the engine's own output. */
  logTail(engineId: string, lines: number): Promise<string[]>;
  /** New output lines as they come, until `signal` aborts (`GET …/logs?follow=true`). */
  followLogs(engineId: string, onLines: (lines: string[]) => void, signal: AbortSignal): Promise<void>;
  /** What runs on behalf of this control plane (its state directory or gateway), for adoption after a restart. */
  list(): Promise<RunningEngine[]>;
  /** Whether a recorded launch still runs, among `running` (one {@link list} for many checks). */
  identify(recorded: RecordedLaunch, running: readonly RunningEngine[]): LaunchCheck;
  /** Watch a running launch as if this executor had launched it (it keeps its generation). */
  adopt(running: RunningEngine, target: ExecutorTarget): Promise<LaunchedEngine>;
  /** Stop a launch no record wants (a stopped engine's leftovers, an orphan, a duplicate). */
  stopOrphan(running: RunningEngine, options?: { timeoutMs?: number }): Promise<void>;
  /** One cheap sample per engine (frozen?), with resident memory for `memory` only (a pass over every process). */
  sample?(engineIds: readonly string[], memory: readonly string[]): ReadonlyMap<string, EngineSample>;
  /** GPUs the executor can place on (Kubernetes: nodes' allocatable `nvidia.com/gpu`); absent: the local GPU manager's. */
  gpuInventory?(): Promise<ExecutorGpu[]>;
  /**
   * The leader pid of the engine's process group when it runs on this host (GPU memory is
   * reconciled against nvidia-smi's per-process usage by it); null when it runs elsewhere or not
   * at all. Executors whose engines never run on this host leave it out.
   */
  localProcess?(engineId: string): number | null;
  /** Kill every engine now, synchronously, for a process that must exit (local only). */
  killAllSync?(signal: 'SIGTERM' | 'SIGKILL'): void;
  /** Release connections and watches; engines keep running. */
  close(): Promise<void>;
}

/** Where an engine answers HTTP. */
export interface EngineAddress {
  host: string;
  port: number;
  /** `http://host:port` (an IPv6 host in brackets), no trailing slash. */
  baseUrl: string;
}

/** What an engine is, apart from its command (what adoption knows of it). */
export interface ExecutorTarget {
  engineId: string;
  /** The backend that described the command (`vllm`, `sage`, …): an executor may pick an image by it. */
  backend: string;
  modelId: string;
  kind: EngineKind;
  /** Where the engine listens (local: bound on this host; Kubernetes: the container port). */
  host: string;
  port: number;
  /** Health paths in order, the first 2xx wins (the backend's). */
  healthPaths: readonly string[];
  /** The engine's own log file on the gateway's host (local: the process output goes there). */
  logPath: string;
}

/** One launch of a placed engine: the backend's command and the launcher's placement. */
export interface ExecutorLaunchSpec extends ExecutorTarget {
  argv: readonly string[];
  /** The complete environment for a process on this host (allow-listed host variables + `ownEnv`). */
  env: Readonly<Record<string, string>>;
  /** Only the variables the control plane and backend set (`CUDA_VISIBLE_DEVICES`, …). */
  ownEnv: Readonly<Record<string, string>>;
  /** Reserved GPUs (local: device indexes; Kubernetes: their count becomes `nvidia.com/gpu`). */
  gpuIds: readonly number[];
  device: 'cpu' | 'cuda';
  /** The most resident memory the engine may hold (`engines.memory_cap_mb`), for a container limit; the supervisor enforces it too. */
  memoryLimitBytes?: number | undefined;
  /** Unique to this launch: executors mark what they run with it (environment, labels). */
  nonce: string;
  /** The encoded record (base64url JSON), so a lost registry can be rebuilt from what runs. */
  spec?: string | undefined;
}

/** JSON an executor keeps in the engine's record to recognise its launch later. */
export type ExecutorHandle = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/** What `launch` and `adopt` return. */
export interface LaunchedEngine {
  /** Changes whenever another process or pod serves the engine: a failure on an old generation says nothing of the new one. */
  generation: string;
  address: EngineAddress;
  /** Persisted with the record, handed back in {@link RecordedLaunch} (local: pid and start time). */
  handle: ExecutorHandle;
  /** The local process id, for operators (`EngineInfo.pid`); null for remote engines. Never used to decide. */
  pid: number | null;
}

/** What the registry kept of a launch. */
export interface RecordedLaunch {
  engineId: string;
  /** Null for records written before launches carried nonces. */
  nonce: string | null;
  handle: ExecutorHandle | null;
}

/** A live launch found by {@link EngineExecutor.list}. */
export interface RunningEngine {
  engineId: string;
  nonce: string;
  generation: string;
  /** False when only leftovers run (workers whose leader died; a pod that will not become ready again). */
  complete: boolean;
  handle: ExecutorHandle;
  /** The encoded spec the launch carries, when it does. */
  spec?: string | undefined;
  pid: number | null;
}

/** `same`: the recorded launch runs (maybe found again by its nonce); `remnants`: only leftovers run; `gone`: nothing. */
export type LaunchCheck =
  | { verdict: 'same'; running: RunningEngine }
  | { verdict: 'remnants'; running: RunningEngine }
  | { verdict: 'gone' };

/** How an engine's launch ended, classified by the executor that knows its codes (docs/engines.md). */
export interface EngineExit {
  exitCode: number | null;
  signal: string | null;
  class: EngineExitClass;
  /** Whether a restart can help: false for `not_startable` (FAILED at once). */
  retry: boolean;
  /** In words, for logs and `last_error` (Kubernetes: the container's last termination reason). */
  description: string;
}

export type ExecutorEvent =
  /** The launch of `generation` ended on its own (not through `stop`). */
  | { type: 'engine-exit'; engineId: string; generation: string; exit: EngineExit }
  /** Not serving yet, and why (`Pending`, `ImagePullBackOff`): shown while STARTING, FAILED when `fatal`. */
  | { type: 'engine-waiting'; engineId: string; generation: string; reason: string; fatal: boolean }
  /** Another process or pod serves the engine now (an executor-side restart): a new generation and address. */
  | { type: 'engine-relaunched'; engineId: string; engine: LaunchedEngine };

/** One sample of an engine's processes. */
export interface EngineSample {
  /** Stopped (SIGSTOP, a tracer): it answers nothing until continued. */
  frozen: boolean;
  /** Resident memory of everything the engine runs; undefined when not known. */
  rssBytes?: number | undefined;
}

/** A GPU an executor can place engines on. */
export interface ExecutorGpu {
  index: number;
  /** The node that holds it (Kubernetes); absent locally. */
  node?: string | undefined;
  memoryTotalGb?: number | undefined;
}

import { EventEmitter } from 'node:events';
import type { EngineKind } from '@sage/protocol';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { CONTROL_PLANE_DEFAULTS } from '../defaults.js';
import { readLogTail } from './engine-log.js';
import { type LaunchIdentity, LocalEngineProcesses, type RunningLaunch } from './local-engine-processes.js';
import { isFrozenState, isRunningState, type ProcessTable } from './proc-table.js';
import {
  type EngineProcess,
  killProcessGroup,
  type ProcessExit,
  spawnProcessGroup,
  watchAdoptedProcess,
} from './process-tree.js';

/** Everything needed to run and probe one engine process. No port logic: the port is given. */
export interface EngineLaunch {
  engineId: string;
  argv: readonly string[];
  /** The complete environment of the process. */
  env: Record<string, string>;
  host: string;
  port: number;
  kind: EngineKind;
  /** Health paths, tried in order; the first 2xx wins. */
  healthPaths: readonly string[];
  logPath: string;
  /** Unique to this launch: with the engine id and the state directory, the marker in its environment. */
  nonce: string;
  /** The encoded record the marker carries, so a lost registry can be rebuilt. */
  spec?: string | undefined;
}

/** Where an engine lives, without its command (what adoption knows). */
export type EngineTarget = Omit<EngineLaunch, 'argv' | 'env' | 'spec'>;

/** How much an engine's processes use, and whether they are frozen. */
export interface EngineProcessUsage {
  /** Resident memory of the engine's process group and descendants. */
  rssBytes: number;
  /** A process of the engine is stopped (SIGSTOP): it answers nothing until continued. */
  frozen: boolean;
}

export interface EngineExitEvent {
  engineId: string;
  pid: number | null;
  exit: ProcessExit;
}

interface TrackedEngine {
  target: EngineTarget;
  process: EngineProcess | null;
  /** `<boot id>:<start ticks>` of the process (its identity, with the pid). */
  processStart: string | null;
  /** The OOM killer's count when the process started, to tell its SIGKILL from others'. */
  oomKillsAtStart: number | null;
  /** Increments on every spawn/adopt, so an old process's exit is not reported for a new one. */
  generation: number;
  stopping: boolean;
  lastExit: ProcessExit | null;
}

export interface EngineLifecycleManagerOptions {
  logger?: Logger;
  stopTimeoutMs?: number;
  /** Default timeout of {@link EngineLifecycleManager.healthCheck}. */
  healthCheckTimeoutMs?: number;
  /** Replaceable for tests: how a process is spawned. */
  spawnProcess?: typeof spawnProcessGroup;
  /**
   * The control plane's state directory: engines are marked with it, so this lifecycle (or the
   * next one over the same directory) can find them whatever their command line or the registry says.
   */
  home?: string;
  /** The host's processes (default `/proc`). */
  processTable?: ProcessTable;
}

/**
 * Owns engine processes: spawns them (detached, own process group, output to a per-engine log
 * file), stops them (SIGTERM to the group, SIGKILL after `stopTimeoutMs`), reports real exit
 * codes through `engine-exit` events, tails logs and checks health over HTTP. It has no port,
 * GPU or restart logic: it is told where an engine lives.
 *
 * @example
 * const lifecycle = new EngineLifecycleManager({ stopTimeoutMs: 5000 });
 * lifecycle.spawn({ engineId: 'e1', argv: ['node', 'engine.js'], env: process.env as Record<string, string>,
 *   host: '127.0.0.1', port: 8001, kind: 'llm', healthPaths: ['/health'], logPath: '/tmp/e1.log' });
 * await lifecycle.healthCheck('e1', { timeoutMs: 1000 });
 */
export class EngineLifecycleManager extends EventEmitter<{ 'engine-exit': [EngineExitEvent] }> {
  private readonly engines = new Map<string, TrackedEngine>();
  private readonly logger: Logger;
  private readonly stopTimeoutMs: number;
  private readonly healthCheckTimeoutMs: number;
  private readonly spawnProcess: typeof spawnProcessGroup;
  private readonly http = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  /** Which processes are our engines (markers, start times): the identity half of the local executor. */
  readonly processes: LocalEngineProcesses;

  constructor(options: EngineLifecycleManagerOptions = {}) {
    super();
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.stopTimeoutMs = options.stopTimeoutMs ?? CONTROL_PLANE_DEFAULTS.stopTimeoutMs;
    this.healthCheckTimeoutMs = options.healthCheckTimeoutMs ?? CONTROL_PLANE_DEFAULTS.healthCheckTimeoutMs;
    this.spawnProcess = options.spawnProcess ?? spawnProcessGroup;
    this.processes = new LocalEngineProcesses({ home: options.home, table: options.processTable });
  }

  /** Spawn an engine process, marked as ours. A previous process of the same engine must be stopped first. */
  spawn(launch: EngineLaunch): EngineProcess {
    const { argv, env, spec, ...target } = launch;
    const marked = { ...env, ...this.processes.markers(launch.engineId, launch.nonce, spec) };
    const child = this.spawnProcess(argv, { env: marked, logPath: launch.logPath });
    const processStart = child.pid === null ? null : this.processes.processStart(child.pid);
    this.track(launch.engineId, target, child, processStart);
    this.logger.info({ engineId: launch.engineId, pid: child.pid, argv }, 'engine-process-spawned');
    return child;
  }

  /** Take over a live process spawned by an earlier gateway (checked with {@link identify}). */
  adopt(target: EngineTarget, pid: number): EngineProcess {
    const child = watchAdoptedProcess(pid);
    this.track(target.engineId, target, child, this.processes.processStart(pid));
    this.logger.info({ engineId: target.engineId, pid }, 'engine-process-adopted');
    return child;
  }

  /** Every live engine launch marked with this lifecycle's state directory ("what it runs"). */
  listRunning(): RunningLaunch[] {
    return this.processes.list();
  }

  /** Whether a recorded launch still runs, and as which pid (see {@link LocalEngineProcesses.check}). */
  identify(identity: LaunchIdentity, running?: readonly RunningLaunch[]) {
    return this.processes.check(identity, running);
  }

  /** `<boot id>:<start ticks>` of the engine's process, recorded with its pid. */
  processStart(engineId: string): string | null {
    return this.engines.get(engineId)?.processStart ?? null;
  }

  /** Memory of the engine's processes and whether they are frozen; null when none runs. */
  usage(engineId: string): EngineProcessUsage | null {
    const pid = this.pid(engineId);
    if (!pid) return null;
    const rssBytes = this.memoryOf([engineId]).get(engineId);
    if (rssBytes === undefined) return null;
    return { rssBytes, frozen: this.isFrozen(engineId) };
  }

  /**
   * Whether the engine's process is stopped (state `T`: SIGSTOP, SIGTSTP, a tracer): it answers
   * nothing until continued. Reads that one process's state only, so it is cheap to ask often.
   */
  isFrozen(engineId: string): boolean {
    const pid = this.pid(engineId);
    return pid !== null && isFrozenState(this.processes.table.stat(pid));
  }

  /**
   * Resident memory of each engine's whole process tree (its group, and descendants that left
   * the group), from one pass over the process table. Engines with no live process are absent.
   */
  memoryOf(engineIds: readonly string[]): Map<string, number> {
    const result = new Map<string, number>();
    const pids = new Map<string, number>();
    for (const engineId of engineIds) {
      const pid = this.pid(engineId);
      if (pid) pids.set(engineId, pid);
    }
    if (pids.size === 0) return result;
    const stats = this.processes.table.list().filter(isRunningState);
    const children = new Map<number, number[]>();
    for (const stat of stats) {
      const siblings = children.get(stat.ppid);
      if (siblings) siblings.push(stat.pid);
      else children.set(stat.ppid, [stat.pid]);
    }
    const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
    for (const [engineId, pid] of pids) {
      const members = new Set<number>();
      for (const stat of stats) if (stat.pgid === pid || stat.pid === pid) members.add(stat.pid);
      // Descendants that left the group (setsid) still belong to the engine.
      const pending = [...members];
      for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
        for (const child of children.get(next) ?? []) {
          if (members.has(child)) continue;
          members.add(child);
          pending.push(child);
        }
      }
      if (members.size === 0) continue;
      let rssBytes = 0;
      for (const member of members) rssBytes += byPid.get(member)?.rssBytes ?? 0;
      result.set(engineId, rssBytes);
    }
    return result;
  }

  /** Stop a launch no record claims (found by its markers): its group, then anything else it left. */
  async stopOrphan(launch: RunningLaunch, options: { timeoutMs?: number } = {}): Promise<void> {
    this.logger.warn(
      { engineId: launch.engineId, pid: launch.pid, pids: launch.pids },
      'engine-orphan-stopped',
    );
    await killProcessGroup(launch.pgid, options.timeoutMs ?? this.stopTimeoutMs);
    await this.sweep(launch.nonce);
  }

  /** SIGKILL what is left of a launch outside its process group (a wrapper's setsid children). */
  private async sweep(nonce: string): Promise<void> {
    for (const pid of this.processes.processesOf(nonce)) {
      this.logger.warn({ pid }, 'engine process outside its group: killed');
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }

  private track(
    engineId: string,
    target: EngineTarget,
    child: EngineProcess,
    processStart: string | null,
  ): void {
    const tracked = this.engines.get(engineId);
    const generation = (tracked?.generation ?? 0) + 1;
    this.engines.set(engineId, {
      target,
      process: child,
      processStart,
      oomKillsAtStart: this.processes.table.oomKillCount(),
      generation,
      stopping: false,
      lastExit: null,
    });
    void child.exited.then((exit) => {
      const current = this.engines.get(engineId);
      if (!current || current.generation !== generation) return;
      const oomKills = this.processes.table.oomKillCount();
      const oomKilled =
        exit.signal === 'SIGKILL' &&
        current.oomKillsAtStart !== null &&
        oomKills !== null &&
        oomKills > current.oomKillsAtStart;
      const ended = oomKilled ? { ...exit, oomKilled } : exit;
      current.lastExit = ended;
      current.process = null;
      if (current.stopping) return;
      this.logger.warn({ engineId, pid: child.pid, ...ended }, 'engine-process-exit');
      this.emit('engine-exit', { engineId, pid: child.pid, exit: ended });
    });
  }

  /** Stop an engine's whole process group. Resolves with how it ended (null when nothing ran). */
  async stop(engineId: string, options: { timeoutMs?: number } = {}): Promise<ProcessExit | null> {
    const tracked = this.engines.get(engineId);
    const child = tracked?.process;
    if (!tracked || !child || child.pid === null) return tracked?.lastExit ?? null;
    tracked.stopping = true;
    await killProcessGroup(child.pid, options.timeoutMs ?? this.stopTimeoutMs);
    await this.sweep(tracked.target.nonce);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      child.exited,
      new Promise<ProcessExit>((resolve) => {
        timer = setTimeout(() => resolve({ exitCode: null, signal: 'SIGKILL' }), 2_000);
      }),
    ]).finally(() => clearTimeout(timer));
    tracked.lastExit = exit;
    tracked.process = null;
    this.logger.info({ engineId, pid: child.pid, ...exit }, 'engine-process-stopped');
    return exit;
  }

  /** Stop (if needed) and forget an engine. */
  async remove(engineId: string): Promise<void> {
    await this.stop(engineId);
    this.engines.delete(engineId);
  }

  isAlive(engineId: string): boolean {
    return this.engines.get(engineId)?.process?.isAlive() ?? false;
  }

  pid(engineId: string): number | null {
    return this.engines.get(engineId)?.process?.pid ?? null;
  }

  lastExit(engineId: string): ProcessExit | null {
    return this.engines.get(engineId)?.lastExit ?? null;
  }

  /**
   * HTTP health check. LLM engines: `GET /health`, falling back to `GET /v1/models`; embedding
   * engines: `GET /health` (the paths come from the engine's backend). Unknown or stopped
   * engines → false.
   */
  async healthCheck(engineId: string, options: { timeoutMs?: number } = {}): Promise<boolean> {
    const tracked = this.engines.get(engineId);
    if (!tracked?.process?.isAlive()) return false;
    const timeoutMs = options.timeoutMs ?? this.healthCheckTimeoutMs;
    const { host, port, healthPaths } = tracked.target;
    for (const path of healthPaths) {
      const outcome = await this.probe(`http://${formatHost(host)}:${port}${path}`, timeoutMs);
      // Only a missing route falls through to the next path: a 503 from /health means "loading",
      // and must not be overruled by /v1/models answering 200.
      if (outcome !== 'missing') return outcome === 'ok';
    }
    return false;
  }

  /** Health of every tracked engine, checked concurrently. */
  async healthCheckAll(options: { timeoutMs?: number } = {}): Promise<Record<string, boolean>> {
    const ids = [...this.engines.keys()];
    const results = await Promise.all(ids.map((id) => this.healthCheck(id, options)));
    return Object.fromEntries(ids.map((id, index) => [id, results[index] ?? false]));
  }

  private async probe(url: string, timeoutMs: number): Promise<'ok' | 'missing' | 'failed'> {
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.http,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return 'ok';
      return response.statusCode === 404 || response.statusCode === 405 ? 'missing' : 'failed';
    } catch {
      return 'failed';
    }
  }

  /** The last lines of an engine's own log. */
  async logTail(engineId: string, lines: number = CONTROL_PLANE_DEFAULTS.logTailLines): Promise<string[]> {
    const tracked = this.engines.get(engineId);
    return tracked ? readLogTail(tracked.target.logPath, lines) : [];
  }

  /** Send a signal to every engine's process group at once, synchronously (process exit paths). */
  signalAllSync(signal: NodeJS.Signals = 'SIGTERM'): void {
    for (const tracked of this.engines.values()) {
      const pid = tracked.process?.pid;
      if (!pid || !tracked.process?.isAlive()) continue;
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
  }

  /**
   * SIGKILL every engine now, synchronously: the process groups this lifecycle tracks, and every
   * other process carrying its state directory's marker (a wrapper's `setsid` children, a launch
   * still being recorded). For a process that exits before it could stop them gracefully.
   */
  killAllSync(): void {
    this.signalAllSync('SIGKILL');
    const kill = (pid: number) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    for (const launch of this.listRunning()) {
      kill(-launch.pgid);
      for (const pid of launch.pids) kill(pid);
    }
  }

  /** Stop every engine (used at shutdown when engines should not outlive the control plane). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.engines.keys()].map((id) => this.stop(id)));
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

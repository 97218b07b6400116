import type { Logger } from 'pino';
import { pino } from 'pino';
import { CONTROL_PLANE_DEFAULTS } from '../../defaults.js';
import { followLog, readLogTail } from '../../lifecycle/engine-log.js';
import { classifyExit } from '../../lifecycle/exit-classification.js';
import { LocalEngineProcesses, type RunningLaunch } from '../../lifecycle/local-engine-processes.js';
import { isFrozenState, type ProcessTable } from '../../lifecycle/proc-table.js';
import {
  type EngineProcess,
  killProcessGroup,
  type ProcessExit,
  spawnProcessGroup,
  watchAdoptedProcess,
} from '../../lifecycle/process-tree.js';
import type {
  EngineAddress,
  EngineExecutor,
  EngineExit,
  EngineSample,
  ExecutorEvent,
  ExecutorHandle,
  ExecutorLaunchSpec,
  ExecutorTarget,
  LaunchCheck,
  LaunchedEngine,
  RecordedLaunch,
  RunningEngine,
} from '../engine-executor.js';
import { processTreeMemory } from './process-tree-memory.js';

export interface LocalProcessExecutorOptions {
  logger?: Logger | undefined;
  /** SIGTERM → SIGKILL grace of a stop. */
  stopTimeoutMs?: number | undefined;
  /**
   * The control plane's state directory: engines are marked with it, so this executor (or the
   * next one over the same directory) finds them whatever their command line or the registry says.
   */
  home?: string | undefined;
  /** The host's processes (default `/proc`). */
  processTable?: ProcessTable | undefined;
  /** Replaceable for tests: how a process is spawned. */
  spawnProcess?: typeof spawnProcessGroup | undefined;
}

interface TrackedEngine {
  target: ExecutorTarget;
  process: EngineProcess | null;
  generation: string;
  /** The OOM killer's count when the process started, to tell its SIGKILL from others'. */
  oomKillsAtStart: number | null;
  stopping: boolean;
  lastExit: EngineExit | null;
  nonce: string;
}

/** `http://host:port`, an IPv6 host in brackets. */
function addressOf(host: string, port: number): EngineAddress {
  return { host, port, baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** A process that could not be seen ending: a stop that timed out, an adopted process (no exit code). */
const UNKNOWN_STOP: ProcessExit = { exitCode: null, signal: 'SIGKILL' };

/**
 * `kind: local` (the default): engines are processes on this host, each detached in its own
 * process group with its output appended to its log file, marked in its environment (engine id,
 * launch nonce, state directory) so a later gateway adopts it through any wrapper. Stops signal
 * the whole group (SIGTERM, SIGKILL after the grace; at once when a member is frozen) and sweep
 * what left the group. Exits are classified here (`lifecycle/exit-classification.ts`: the `sage`
 * engine's 78, shell codes 128+n, the OOM killer), frozen processes and resident memory are read
 * from `/proc`. Nothing outside this folder and `lifecycle/` reads a pid.
 */
export class LocalProcessExecutor implements EngineExecutor {
  readonly kind = 'local';
  readonly #engines = new Map<string, TrackedEngine>();
  readonly #listeners = new Set<(event: ExecutorEvent) => void>();
  readonly #logger: Logger;
  readonly #stopTimeoutMs: number;
  readonly #spawn: typeof spawnProcessGroup;
  /** Which processes are our engines (markers, start times). */
  readonly processes: LocalEngineProcesses;

  constructor(options: LocalProcessExecutorOptions = {}) {
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#stopTimeoutMs = options.stopTimeoutMs ?? CONTROL_PLANE_DEFAULTS.stopTimeoutMs;
    this.#spawn = options.spawnProcess ?? spawnProcessGroup;
    this.processes = new LocalEngineProcesses({ home: options.home, table: options.processTable });
  }

  async launch(spec: ExecutorLaunchSpec): Promise<LaunchedEngine> {
    const marked = { ...spec.env, ...this.processes.markers(spec.engineId, spec.nonce, spec.spec) };
    const child = this.#spawn(spec.argv, { env: marked, logPath: spec.logPath });
    const processStart = child.pid === null ? null : this.processes.processStart(child.pid);
    const launched = this.#track(spec, child, spec.nonce, { pid: child.pid, processStart });
    this.#logger.info({ engineId: spec.engineId, pid: child.pid, argv: spec.argv }, 'engine-process-spawned');
    return launched;
  }

  async adopt(running: RunningEngine, target: ExecutorTarget): Promise<LaunchedEngine> {
    const pid = pidOf(running.handle);
    if (pid === null) throw new TypeError(`engine ${running.engineId}: no pid to adopt`);
    const child = watchAdoptedProcess(pid);
    const launched = this.#track(target, child, running.nonce, {
      pid,
      processStart: this.processes.processStart(pid),
    });
    this.#logger.info({ engineId: target.engineId, pid }, 'engine-process-adopted');
    return launched;
  }

  async stop(engineId: string, options: { timeoutMs?: number } = {}): Promise<EngineExit | null> {
    const tracked = this.#engines.get(engineId);
    const child = tracked?.process;
    if (!tracked || !child || child.pid === null) return tracked?.lastExit ?? null;
    tracked.stopping = true;
    await killProcessGroup(child.pid, options.timeoutMs ?? this.#stopTimeoutMs);
    this.#sweep(tracked.nonce);
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      child.exited,
      new Promise<ProcessExit>((resolve) => {
        timer = setTimeout(() => resolve(UNKNOWN_STOP), 2_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const ended: EngineExit = {
      ...describeExit(exit),
      class: 'stopped',
      retry: true,
      description: 'stopped by the control plane',
    };
    tracked.lastExit = ended;
    tracked.process = null;
    this.#logger.info({ engineId, pid: child.pid, ...exit }, 'engine-process-stopped');
    return ended;
  }

  subscribe(listener: (event: ExecutorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isAlive(engineId: string): boolean {
    return this.#engines.get(engineId)?.process?.isAlive() ?? false;
  }

  address(engineId: string): EngineAddress | null {
    const tracked = this.#engines.get(engineId);
    return tracked?.process ? addressOf(tracked.target.host, tracked.target.port) : null;
  }

  async logTail(engineId: string, lines: number): Promise<string[]> {
    const tracked = this.#engines.get(engineId);
    return tracked ? readLogTail(tracked.target.logPath, lines) : [];
  }

  async followLogs(engineId: string, onLines: (lines: string[]) => void, signal: AbortSignal): Promise<void> {
    const tracked = this.#engines.get(engineId);
    if (tracked) await followLog(tracked.target.logPath, onLines, signal);
  }

  async list(): Promise<RunningEngine[]> {
    return this.processes.list().map(runningEngineOf);
  }

  identify(recorded: RecordedLaunch, running: readonly RunningEngine[]): LaunchCheck {
    const pid = recorded.handle ? pidOf(recorded.handle) : null;
    if (pid === null && recorded.nonce === null) return { verdict: 'gone' };
    const launches = running.map(launchOf).filter((launch): launch is RunningLaunch => launch !== null);
    const processStart = recorded.handle?.processStart;
    const command = recorded.handle?.command;
    const check = this.processes.check(
      {
        engineId: recorded.engineId,
        nonce: recorded.nonce,
        pid: pid ?? 0,
        processStart: typeof processStart === 'string' ? processStart : null,
        command: Array.isArray(command) ? (command as string[]) : undefined,
      },
      launches,
    );
    const nonce = recorded.nonce ?? '';
    if (check.verdict === 'same') {
      const found = running.find((engine) => engine.nonce === recorded.nonce);
      const handle = { pid: check.pid, pgid: check.pid, processStart: check.processStart };
      return {
        verdict: 'same',
        running: found && pidOf(found.handle) === check.pid ? found : remnant(recorded, nonce, handle, true),
      };
    }
    if (check.verdict === 'workers-only') {
      const found = running.find((engine) => engine.nonce === recorded.nonce);
      return {
        verdict: 'remnants',
        running: found ?? remnant(recorded, nonce, { pid: check.pgid, pgid: check.pgid }, false),
      };
    }
    return { verdict: 'gone' };
  }

  async stopOrphan(running: RunningEngine, options: { timeoutMs?: number } = {}): Promise<void> {
    const pgid = typeof running.handle.pgid === 'number' ? running.handle.pgid : pidOf(running.handle);
    this.#logger.warn({ engineId: running.engineId, pid: running.pid, pgid }, 'engine-orphan-stopped');
    if (pgid !== null) await killProcessGroup(pgid, options.timeoutMs ?? this.#stopTimeoutMs);
    if (running.nonce !== '') this.#sweep(running.nonce);
  }

  localProcess(engineId: string): number | null {
    return this.#engines.get(engineId)?.process?.pid ?? null;
  }

  sample(engineIds: readonly string[], memory: readonly string[]): ReadonlyMap<string, EngineSample> {
    const table = this.processes.table;
    const pids = new Map<string, number>();
    for (const engineId of engineIds) {
      const pid = this.#engines.get(engineId)?.process?.pid;
      if (pid) pids.set(engineId, pid);
    }
    const bounded = new Map([...pids].filter(([engineId]) => memory.includes(engineId)));
    const rss = bounded.size > 0 ? processTreeMemory(table, bounded) : new Map<string, number>();
    const result = new Map<string, EngineSample>();
    for (const [engineId, pid] of pids) {
      result.set(engineId, { frozen: isFrozenState(table.stat(pid)), rssBytes: rss.get(engineId) });
    }
    return result;
  }

  killAllSync(signal: 'SIGTERM' | 'SIGKILL'): void {
    const kill = (pid: number) => {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    };
    for (const tracked of this.#engines.values()) {
      const pid = tracked.process?.pid;
      if (pid && tracked.process?.isAlive()) kill(-pid);
    }
    if (signal !== 'SIGKILL') return;
    // Also what carries our marker outside a tracked group (a wrapper's setsid children, a launch still being recorded).
    for (const launch of this.processes.list()) {
      kill(-launch.pgid);
      for (const pid of launch.pids) kill(pid);
    }
  }

  async close(): Promise<void> {}

  /** SIGKILL what is left of a launch outside its process group (a wrapper's setsid children). */
  #sweep(nonce: string): void {
    for (const pid of this.processes.processesOf(nonce)) {
      this.#logger.warn({ pid }, 'engine process outside its group: killed');
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }

  #track(
    target: ExecutorTarget,
    child: EngineProcess,
    nonce: string,
    identity: { pid: number | null; processStart: string | null },
  ): LaunchedEngine {
    const table = this.processes.table;
    // Legacy adoptions carry no nonce: their pid and start time name the process.
    const generation = nonce !== '' ? nonce : `pid-${identity.pid}-${identity.processStart ?? 'unknown'}`;
    const { engineId } = target;
    const tracked: TrackedEngine = {
      target: { ...target },
      process: child,
      generation,
      oomKillsAtStart: table.oomKillCount(),
      stopping: false,
      lastExit: null,
      nonce,
    };
    this.#engines.set(engineId, tracked);
    void child.exited.then((exit) => {
      if (this.#engines.get(engineId) !== tracked) return;
      const oomKills = table.oomKillCount();
      const oomKilled =
        exit.signal === 'SIGKILL' &&
        tracked.oomKillsAtStart !== null &&
        oomKills !== null &&
        oomKills > tracked.oomKillsAtStart;
      const ended = describeExit(oomKilled ? { ...exit, oomKilled } : exit);
      tracked.lastExit = ended;
      tracked.process = null;
      if (tracked.stopping) return;
      this.#logger.warn({ engineId, pid: child.pid, ...exit }, 'engine-process-exit');
      for (const listener of this.#listeners)
        listener({ type: 'engine-exit', engineId, generation, exit: ended });
    });
    return {
      generation,
      address: addressOf(target.host, target.port),
      handle: { pid: identity.pid, processStart: identity.processStart },
      pid: identity.pid,
    };
  }
}

/** A process's end, classified (the one place exit codes are read). */
function describeExit(exit: ProcessExit): EngineExit {
  const classified = classifyExit(exit);
  return {
    exitCode: exit.exitCode,
    signal: classified.signal,
    class: classified.class,
    retry: classified.retry,
    description: classified.description,
  };
}

function pidOf(handle: ExecutorHandle): number | null {
  return typeof handle.pid === 'number' && handle.pid > 0 ? handle.pid : null;
}

function runningEngineOf(launch: RunningLaunch): RunningEngine {
  return {
    engineId: launch.engineId,
    nonce: launch.nonce,
    generation: launch.nonce,
    complete: launch.leaderAlive,
    handle: {
      pid: launch.pid,
      pgid: launch.pgid,
      processStart: launch.processStart,
      pids: launch.pids.map(String),
    },
    spec: launch.spec,
    pid: launch.pid,
  };
}

function launchOf(engine: RunningEngine): RunningLaunch | null {
  const pid = pidOf(engine.handle);
  const { pgid, processStart, pids } = engine.handle;
  if (pid === null || typeof pgid !== 'number') return null;
  return {
    engineId: engine.engineId,
    nonce: engine.nonce,
    pid,
    pgid,
    pids: Array.isArray(pids) ? pids.map(Number) : [pid],
    leaderAlive: engine.complete,
    processStart: typeof processStart === 'string' ? processStart : null,
    spec: engine.spec,
  };
}

function remnant(
  recorded: RecordedLaunch,
  nonce: string,
  handle: ExecutorHandle,
  complete: boolean,
): RunningEngine {
  return {
    engineId: recorded.engineId,
    nonce,
    generation: nonce !== '' ? nonce : `pid-${handle.pid}`,
    complete,
    handle,
    pid: pidOf(handle),
  };
}

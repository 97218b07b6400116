import { type EngineMarkers, markerEnv, readMarkers } from './engine-markers.js';
import { hostProcessTable, isRunningState, type ProcessStat, type ProcessTable } from './proc-table.js';

/** What the control plane recorded about one launch of an engine. */
export interface LaunchIdentity {
  engineId: string;
  /** The launch's nonce (null for engines recorded before markers existed). */
  nonce: string | null;
  /** The pid spawned (the process group leader). */
  pid: number;
  /** `<boot id>:<start ticks>` of that pid when it was spawned (see {@link LocalEngineProcesses.processStart}). */
  processStart: string | null;
  /** The recorded argv: only compared for records without a nonce. */
  command?: readonly string[] | undefined;
}

/** A live launch found by its markers. */
export interface RunningLaunch {
  engineId: string;
  nonce: string;
  /** The group leader when it lives, else the oldest marked member. */
  pid: number;
  /** The process group the launch was spawned as. */
  pgid: number;
  /** Every live process carrying the launch's markers. */
  pids: number[];
  /** Whether the spawned process itself (pid === pgid) still runs. */
  leaderAlive: boolean;
  processStart: string | null;
  /** The encoded spec marker, when the launch carries one. */
  spec: string | undefined;
}

/**
 * - `same`: `pid` is the launch (maybe re-pointed: the recorded pid was reused, but the
 *   launch's group leader was found by its nonce).
 * - `workers-only`: the spawned process is gone, but processes of its group still run.
 * - `gone`: nothing of the launch runs.
 */
export type IdentityCheck =
  | { verdict: 'same'; pid: number; processStart: string | null }
  | { verdict: 'workers-only'; pgid: number }
  | { verdict: 'gone' };

/**
 * Which processes on this host are our engines: the identity half of the local executor. An
 * engine is recognised by the marker in its environment (engine id, launch nonce, our state
 * directory), by its pid's start time (a pid plus its start time names one process per boot,
 * whatever argv the wrapper left), and — read by the health check — by its port answering.
 * Never by comparing command lines: a shim or console script rewrites them.
 */
export class LocalEngineProcesses {
  readonly #home: string | undefined;
  readonly #table: ProcessTable;

  constructor(options: { home?: string | undefined; table?: ProcessTable | undefined } = {}) {
    this.#home = options.home;
    this.#table = options.table ?? hostProcessTable;
  }

  get table(): ProcessTable {
    return this.#table;
  }

  /** The variables that mark a launch (none without a home: such engines cannot be found later). */
  markers(engineId: string, nonce: string, spec?: string): Record<string, string> {
    if (this.#home === undefined) return {};
    const markers: EngineMarkers = { engineId, nonce, home: this.#home, spec };
    return markerEnv(markers);
  }

  /** `<boot id>:<start ticks>` of a live pid, or null when it is gone or unknown. */
  processStart(pid: number): string | null {
    const stat = this.#table.stat(pid);
    return isRunningState(stat) ? this.#startOf(stat) : null;
  }

  #startOf(stat: ProcessStat): string {
    return `${this.#table.bootId() ?? 'boot'}:${stat.startTicks}`;
  }

  /** Every live launch carrying this state directory's markers ("what this executor runs"). */
  list(): RunningLaunch[] {
    if (this.#home === undefined) return [];
    const byNonce = new Map<string, { markers: EngineMarkers; stats: ProcessStat[] }>();
    for (const stat of this.#table.list()) {
      if (!isRunningState(stat) || stat.pid === process.pid) continue;
      const env = this.#table.environ(stat.pid);
      const markers = env ? readMarkers(env) : null;
      if (!markers || markers.home !== this.#home) continue;
      const entry = byNonce.get(markers.nonce) ?? { markers, stats: [] };
      entry.stats.push(stat);
      byNonce.set(markers.nonce, entry);
    }
    return [...byNonce.values()].map(({ markers, stats }) => {
      // The spawned process leads its own group; a wrapper's children share the group.
      const leader = stats.find((stat) => stat.pid === stat.pgid);
      const oldest = [...stats].sort(
        (a, b) => a.startTicks - b.startTicks || a.pid - b.pid,
      )[0] as ProcessStat;
      const chosen = leader ?? oldest;
      return {
        engineId: markers.engineId,
        nonce: markers.nonce,
        pid: chosen.pid,
        pgid: chosen.pgid,
        pids: stats.map((stat) => stat.pid).sort((a, b) => a - b),
        leaderAlive: leader !== undefined,
        processStart: this.#startOf(chosen),
        spec: markers.spec,
      };
    });
  }

  /**
   * Is the recorded launch still running, and as which pid? `running` is a {@link list} taken
   * once for many checks.
   */
  check(identity: LaunchIdentity, running?: readonly RunningLaunch[]): IdentityCheck {
    const stat = this.#table.stat(identity.pid);
    if (isRunningState(stat) && this.#isLaunch(stat, identity)) {
      return { verdict: 'same', pid: identity.pid, processStart: this.#startOf(stat) };
    }
    if (identity.nonce !== null) {
      const found = (running ?? this.list()).find((launch) => launch.nonce === identity.nonce);
      if (found?.leaderAlive) return { verdict: 'same', pid: found.pid, processStart: found.processStart };
      if (found) return { verdict: 'workers-only', pgid: found.pgid };
    }
    // The leader is gone but its group lives (workers of a launch without markers).
    if (!isRunningState(stat) && this.#groupAlive(identity.pid)) {
      return { verdict: 'workers-only', pgid: identity.pid };
    }
    return { verdict: 'gone' };
  }

  /** Live processes of one launch, in any process group (for a sweep after a stop). */
  processesOf(nonce: string): number[] {
    return this.list().find((launch) => launch.nonce === nonce)?.pids ?? [];
  }

  #isLaunch(stat: ProcessStat, identity: LaunchIdentity): boolean {
    // Same pid and same start time: the same process, whatever it exec'd into.
    if (identity.processStart !== null) return this.#startOf(stat) === identity.processStart;
    const env = this.#table.environ(stat.pid);
    const markers = env ? readMarkers(env) : null;
    if (identity.nonce !== null)
      return markers?.nonce === identity.nonce && markers.engineId === identity.engineId;
    // A record from before markers: only its exact command line can tell.
    const live = this.#table.commandLine(stat.pid);
    const recorded = identity.command ?? [];
    return (
      live !== null &&
      live.length === recorded.length &&
      live.every((part, index) => part === recorded[index])
    );
  }

  #groupAlive(pgid: number): boolean {
    return this.#table.list().some((stat) => stat.pgid === pgid && isRunningState(stat));
  }
}

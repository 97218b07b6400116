import { appendFileSync } from 'node:fs';
import { execa, type Options } from 'execa';
import {
  hostProcessTable,
  isFrozenState,
  isRunningState,
  type ProcessStat,
  type ProcessTable,
} from './proc-table.js';

/** How a process ended. */
export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: string;
  /** The kernel's out-of-memory killer counted a kill in the engine's cgroup while it ran. */
  oomKilled?: boolean;
}

/** A process the lifecycle manager owns: spawned by it, or adopted from an earlier gateway. */
export interface EngineProcess {
  readonly pid: number | null;
  /** Resolves once the process is gone. */
  readonly exited: Promise<ProcessExit>;
  isAlive(): boolean;
}

/** True when `pid` names a live process (zombies count as gone; 0, negatives and NaN are never alive). */
export function isPidAlive(pid: number, table: ProcessTable = hostProcessTable): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = table.stat(pid);
  // Without /proc (not Linux) even this process has no stat: the signal check alone decides.
  return stat === null ? table.stat(process.pid) === null : isRunningState(stat);
}

/** Live (non-zombie) members of a process group. */
function groupMembers(pgid: number, table: ProcessTable = hostProcessTable): ProcessStat[] {
  return table.list().filter((stat) => stat.pgid === pgid && isRunningState(stat));
}

/** True while any non-zombie process of the group is alive (read from /proc). */
function isProcessGroupAlive(pgid: number, table: ProcessTable = hostProcessTable): boolean {
  const all = table.list();
  if (all.length === 0) return isPidAlive(pgid, table);
  return all.some((stat) => stat.pgid === pgid && isRunningState(stat));
}

/**
 * Spawn argv detached in its own process group, stdout and stderr appended to `logPath`. The
 * process does not depend on the gateway's pipes, so it survives a gateway restart and can be
 * adopted.
 */
export function spawnProcessGroup(
  argv: readonly string[],
  options: { env: Record<string, string>; logPath: string; cwd?: string },
): EngineProcess {
  const [program, ...args] = argv;
  if (!program) throw new TypeError('spawnProcessGroup needs a program');
  appendFileSync(options.logPath, ''); // the log exists as soon as the engine does
  {
    const execaOptions = {
      detached: true,
      stdin: 'ignore',
      stdout: { file: options.logPath, append: true },
      stderr: { file: options.logPath, append: true },
      env: options.env,
      extendEnv: false,
      reject: false,
      cleanup: false,
      buffer: false,
      cwd: options.cwd ?? process.cwd(),
    } satisfies Options;
    const subprocess = execa(program, args, execaOptions);
    const pid = subprocess.pid ?? null;
    let alive = pid !== null;
    const exited = subprocess.then((result): ProcessExit => {
      alive = false;
      const spawnError = pid === null ? (result.code ?? result.shortMessage) : undefined;
      return {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        ...(spawnError ? { spawnError } : {}),
      };
    });
    return { pid, exited, isAlive: () => alive };
  }
}

/**
 * Watch a process this gateway did not spawn (adopted after a restart). Its exit code is not
 * observable; `exited` resolves with a null code once the pid is gone.
 */
export function watchAdoptedProcess(pid: number, pollMs = 500): EngineProcess {
  let alive = isPidAlive(pid);
  const exited = new Promise<ProcessExit>((resolve) => {
    const timer = setInterval(() => {
      if (isPidAlive(pid)) return;
      alive = false;
      clearInterval(timer);
      resolve({ exitCode: null, signal: null });
    }, pollMs);
    timer.unref();
  });
  return { pid, exited, isAlive: () => alive && isPidAlive(pid) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stop a whole process group: SIGTERM to the group, wait until every member is gone, SIGKILL the
 * group after `timeoutMs`. Worker processes (vLLM's, or any grandchild) cannot outlive the engine.
 * A group with a stopped member (SIGSTOP, a frozen engine) cannot act on SIGTERM until it is
 * continued, so it gets SIGKILL at once instead of waiting out the timeout.
 */
export async function killProcessGroup(
  pgid: number,
  timeoutMs: number,
  pollMs = 50,
  table: ProcessTable = hostProcessTable,
): Promise<'terminated' | 'killed' | 'gone'> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // the group is already gone
    }
  };
  if (!isProcessGroupAlive(pgid, table)) return 'gone';
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  let outcome: 'terminated' | 'killed' = 'killed';
  while (Date.now() < deadline) {
    const members = groupMembers(pgid, table);
    if (members.length === 0) {
      outcome = 'terminated';
      break;
    }
    if (members.some(isFrozenState)) break;
    await sleep(pollMs);
  }
  if (outcome === 'killed') signal('SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while (isProcessGroupAlive(pgid, table) && Date.now() < killDeadline) await sleep(pollMs);
  return outcome;
}

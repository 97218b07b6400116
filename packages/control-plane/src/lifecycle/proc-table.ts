import { readdirSync, readFileSync } from 'node:fs';

/**
 * The host's process table, as the local executor sees it. This is the only module that reads
 * `/proc` (and the cgroup files under `/sys/fs/cgroup`): everything else asks a
 * {@link ProcessTable}, so tests inject a fake one and another executor (Kubernetes) brings
 * its own notion of "what runs".
 */

/** One process, from `/proc/<pid>/stat`. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** Process group (`pgrp`). Engines are spawned as group leaders, so an engine's pgid is its pid. */
  pgid: number;
  /** `R` running, `S` sleeping, `D` uninterruptible, `T`/`t` stopped (SIGSTOP, traced), `Z` zombie, … */
  state: string;
  /** Start time in clock ticks after boot: with the pid and the boot id it names one process for good. */
  startTicks: number;
  /** Resident set size in bytes. */
  rssBytes: number;
}

export interface ProcessTable {
  /** Every process this user can see. */
  list(): ProcessStat[];
  stat(pid: number): ProcessStat | null;
  /** The environment the process was started (exec'd) with, or null when unreadable. */
  environ(pid: number): Map<string, string> | null;
  /** argv of the process, or null when it is gone or unreadable. */
  commandLine(pid: number): string[] | null;
  /** This boot's id: start ticks compare only within one boot. */
  bootId(): string | null;
  /** Kills the kernel's OOM killer counted in this process's cgroup (cgroup v2), or null when unknown. */
  oomKillCount(): number | null;
}

/** The kernel's page size for RSS in pages; 4 KiB on every Linux this runs on. */
const PAGE_BYTES = 4096;

/**
 * Parse one `/proc/<pid>/stat` line. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted after its last closing parenthesis.
 */
export function parseStat(pid: number, text: string): ProcessStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // After the name: [0] state, [1] ppid, [2] pgrp, … [19] starttime, [20] vsize, [21] rss.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  const startTicks = Number(fields[19]);
  const rssPages = Number(fields[21]);
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(pgid) || pgid <= 0) return null;
  return {
    pid,
    ppid,
    pgid,
    state,
    startTicks: Number.isFinite(startTicks) ? startTicks : 0,
    rssBytes: Number.isFinite(rssPages) ? rssPages * PAGE_BYTES : 0,
  };
}

/** Parse `/proc/<pid>/environ` (NUL-separated `NAME=value`). */
export function parseEnviron(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of text.split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return env;
}

/** The `oom_kill` counter of a cgroup v2 `memory.events` file. */
export function parseOomKills(text: string): number | null {
  const match = /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** {@link ProcessTable} over Linux's `/proc`. Elsewhere every answer is empty or null. */
class ProcFsTable implements ProcessTable {
  constructor(private readonly root = '/proc') {}

  list(): ProcessStat[] {
    let entries: string[];
    try {
      entries = readdirSync(this.root);
    } catch {
      return [];
    }
    const stats: ProcessStat[] = [];
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = this.stat(Number(entry));
      if (stat) stats.push(stat);
    }
    return stats;
  }

  stat(pid: number): ProcessStat | null {
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const text = readText(`${this.root}/${pid}/stat`);
    return text === null ? null : parseStat(pid, text);
  }

  environ(pid: number): Map<string, string> | null {
    const text = readText(`${this.root}/${pid}/environ`);
    return text === null ? null : parseEnviron(text);
  }

  commandLine(pid: number): string[] | null {
    const text = readText(`${this.root}/${pid}/cmdline`);
    if (text === null || text.length === 0) return null;
    return text.replace(/\0$/, '').split('\0');
  }

  bootId(): string | null {
    return readText(`${this.root}/sys/kernel/random/boot_id`)?.trim() || null;
  }

  oomKillCount(): number | null {
    const cgroup = readText(`${this.root}/self/cgroup`);
    const path = cgroup ? /^0::(.*)$/m.exec(cgroup)?.[1] : undefined;
    if (path === undefined) return null;
    const events = readText(`/sys/fs/cgroup${path === '/' ? '' : path}/memory.events`);
    return events === null ? null : parseOomKills(events);
  }
}

/** The host's process table. */
export const hostProcessTable: ProcessTable = new ProcFsTable();

/** Whether a stat names a process that still runs (zombies have exited). */
export function isRunningState(stat: ProcessStat | null): stat is ProcessStat {
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether a process is stopped by a signal (SIGSTOP, SIGTSTP) or a tracer: it answers nothing until SIGCONT. */
export function isFrozenState(stat: ProcessStat | null): boolean {
  return stat !== null && (stat.state === 'T' || stat.state === 't');
}

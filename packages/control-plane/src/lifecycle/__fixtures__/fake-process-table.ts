import type { ProcessStat, ProcessTable } from '../proc-table.js';

export interface FakeProcess extends Partial<ProcessStat> {
  pid: number;
  env?: Record<string, string>;
  argv?: string[];
}

/** A scripted process table: processes are plain objects the test edits. */
export class FakeProcessTable implements ProcessTable {
  readonly processes = new Map<number, FakeProcess>();
  oomKills: number | null = 0;

  constructor(processes: FakeProcess[] = []) {
    for (const process of processes) this.add(process);
  }

  add(process: FakeProcess): void {
    this.processes.set(process.pid, process);
  }

  remove(pid: number): void {
    this.processes.delete(pid);
  }

  list(): ProcessStat[] {
    return [...this.processes.keys()].map((pid) => this.stat(pid) as ProcessStat);
  }

  stat(pid: number): ProcessStat | null {
    const process = this.processes.get(pid);
    if (!process) return null;
    return {
      pid,
      ppid: process.ppid ?? 1,
      pgid: process.pgid ?? pid,
      state: process.state ?? 'S',
      startTicks: process.startTicks ?? 1000,
      rssBytes: process.rssBytes ?? 0,
    };
  }

  environ(pid: number): Map<string, string> | null {
    const process = this.processes.get(pid);
    return process ? new Map(Object.entries(process.env ?? {})) : null;
  }

  commandLine(pid: number): string[] | null {
    return this.processes.get(pid)?.argv ?? null;
  }

  bootId(): string | null {
    return 'boot-1';
  }

  oomKillCount(): number | null {
    return this.oomKills;
  }
}

import { readFileSync } from 'node:fs';

/**
 * The process group of `pid` from `/proc/<pid>/stat` (field 5, `pgrp`), or null when it cannot
 * be read (process gone, not Linux, another pid namespace). The command name (field 2) may hold
 * spaces and parentheses, so fields are counted after its closing parenthesis.
 */
export function processGroupOf(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseProcessGroup(stat);
}

/** Field 5 of a `/proc/<pid>/stat` line; exported for tests. */
export function parseProcessGroup(stat: string): number | null {
  const afterCommand = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  // afterCommand: [state, ppid, pgrp, ...]
  const group = Number(afterCommand[2]);
  return Number.isInteger(group) && group > 0 ? group : null;
}

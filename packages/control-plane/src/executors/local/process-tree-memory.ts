import { isRunningState, type ProcessTable } from '../../lifecycle/proc-table.js';

/**
 * Resident memory of each engine's whole process tree (its group, and descendants that left the
 * group), from one pass over the process table. `leaders`: engine id → the pid it was spawned as.
 * Engines with no live process are absent.
 */
export function processTreeMemory(
  table: ProcessTable,
  leaders: ReadonlyMap<string, number>,
): Map<string, number> {
  const result = new Map<string, number>();
  const stats = table.list().filter(isRunningState);
  const children = new Map<number, number[]>();
  for (const stat of stats) {
    const siblings = children.get(stat.ppid);
    if (siblings) siblings.push(stat.pid);
    else children.set(stat.ppid, [stat.pid]);
  }
  const byPid = new Map(stats.map((stat) => [stat.pid, stat]));
  for (const [engineId, pid] of leaders) {
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

import { readFileSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The record of a running gateway. The foreground gateway writes it once it listens and removes
 * it when it stops; `sage gateway stop|status|restart` read it.
 */
export const GatewayPidRecord = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  port: z.number().int(),
  /** API base: `http://127.0.0.1:8889/v1`. */
  url: z.string(),
  /** ISO time the gateway started listening. */
  startedAt: z.string(),
  /** `sage` arguments that start the same gateway again (`sage gateway restart`). */
  args: z.array(z.string()).default([]),
  /** Where a background gateway's output goes; null in the foreground (the terminal). */
  logPath: z.string().nullable().default(null),
});
export type GatewayPidRecord = z.infer<typeof GatewayPidRecord>;

/** The pid file's record, or null when it is missing or unreadable. */
export async function readPidFile(path: string): Promise<GatewayPidRecord | null> {
  try {
    const result = GatewayPidRecord.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Write the pid file atomically (a reader never sees half of it). */
export async function writePidFile(path: string, record: GatewayPidRecord): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, 'utf8');
  await rename(temporary, path);
}

/** Remove the pid file; with `onlyPid`, only when it still records that process. */
export async function removePidFile(path: string, onlyPid?: number): Promise<void> {
  if (onlyPid !== undefined) {
    const record = await readPidFile(path);
    if (record !== null && record.pid !== onlyPid) return;
  }
  await unlink(path).catch(() => {});
}

/** `/proc/<pid>/stat` on Linux; undefined elsewhere or when the process is gone. */
function readProcStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this pid exists (EPERM: it exists but belongs to someone else). A
 * zombie has exited: it only waits for its parent to reap it, which a detached gateway's parent
 * (PID 1 of a container, often no real init) may do late or never.
 */
export function isProcessAlive(
  pid: number,
  readStat: (pid: number) => string | undefined = readProcStat,
): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
  const stat = readStat(pid);
  return stat === undefined || !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** The pid file's record when its process is alive; a stale file is removed. */
export async function readLiveGateway(path: string): Promise<GatewayPidRecord | null> {
  const record = await readPidFile(path);
  if (record === null) return null;
  if (isProcessAlive(record.pid)) return record;
  await removePidFile(path, record.pid);
  return null;
}

import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** What a port lock file holds. */
export interface PortLockRecord {
  /** Process that holds the lock (the control plane). A dead pid makes the lock stale. */
  pid: number;
  /** Who the port is for, usually an engine id. */
  owner: string;
  createdAt: string;
  /** The allocator instance that wrote the lock (two allocators may share one pid). */
  allocatorId: string;
}

export type PortLockResult = { acquired: true } | { acquired: false; reason: string };

/** A lock file that is empty or half written is someone's lock being created, unless it is this old. */
const UNREADABLE_LOCK_GRACE_MS = 5_000;
/** A takeover guard older than this was left by a process that died mid-takeover. */
const TAKEOVER_GUARD_STALE_MS = 10_000;
const CREATE_ATTEMPTS = 3;

/**
 * Exclusive per-port lock files in `<stateDir>/ports/<port>.lock`, shared by every control plane
 * that uses the state directory. Creation is `open(path, 'wx')`, so exactly one creator wins.
 * A lock whose pid is dead is stale; it is taken over under a short-lived
 * `<port>.lock.takeover` guard that re-checks the lock before replacing it, so two processes
 * reclaiming the same stale lock cannot both win.
 */
export class PortLockDirectory {
  readonly directory: string;
  readonly allocatorId = randomUUID();
  readonly #isPidAlive: (pid: number) => boolean;
  readonly #shared: boolean;
  #ready: Promise<unknown> | undefined;

  /**
   * `directory` overrides `<stateDir>/ports` (the host-wide lock directory uses it). A directory
   * given this way is shared by every user of the host: it is created world-writable and sticky.
   */
  constructor(options: { stateDir: string; isPidAlive: (pid: number) => boolean; directory?: string }) {
    this.directory = options.directory ?? join(options.stateDir, 'ports');
    this.#isPidAlive = options.isPidAlive;
    this.#shared = options.directory !== undefined;
  }

  async #prepare(): Promise<void> {
    if (!this.#shared) {
      await mkdir(this.directory, { recursive: true });
      return;
    }
    // mkdir's mode is filtered by the umask (1777 becomes 1755), which would lock every other
    // user out of the host-wide directory: set the mode explicitly on the directory we created.
    const created = await mkdir(this.directory, { recursive: true, mode: 0o1777 });
    if (created !== undefined) await chmod(this.directory, 0o1777);
  }

  lockPath(port: number): string {
    return join(this.directory, `${port}.lock`);
  }

  /**
   * Take the lock for `port` on behalf of `owner`. Succeeds when the lock is free or stale, or —
   * with `acceptSameOwner` — when the existing lock names the same owner (adoption of an engine
   * whose control plane went away).
   */
  async acquire(
    port: number,
    owner: string,
    options: { acceptSameOwner?: boolean } = {},
  ): Promise<PortLockResult> {
    this.#ready ??= this.#prepare().catch((error: unknown) => {
      this.#ready = undefined; // try again on the next call
      throw error;
    });
    await this.#ready;
    const record: PortLockRecord = {
      pid: process.pid,
      owner,
      createdAt: new Date().toISOString(),
      allocatorId: this.allocatorId,
    };
    let reason = 'locked';
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt += 1) {
      if (await this.#create(port, record)) return { acquired: true };
      const current = await this.#read(port);
      if (current.kind === 'missing') continue;
      if (current.kind === 'unreadable' && current.ageMs < UNREADABLE_LOCK_GRACE_MS) {
        return { acquired: false, reason: `${this.lockPath(port)} is being created by another process` };
      }
      if (current.kind === 'record') {
        const holder = current.record;
        const sameOwner = options.acceptSameOwner === true && holder.owner === owner;
        if (!sameOwner && holder.allocatorId !== this.allocatorId && this.#isPidAlive(holder.pid)) {
          return {
            acquired: false,
            reason: `locked for '${holder.owner}' by pid ${holder.pid} (${this.lockPath(port)})`,
          };
        }
        if (holder.allocatorId === this.allocatorId && !sameOwner) {
          return { acquired: false, reason: `already reserved for '${holder.owner}'` };
        }
      }
      if (await this.#takeOver(port, current.raw, record)) return { acquired: true };
      reason = `another process is taking over ${this.lockPath(port)}`;
    }
    return { acquired: false, reason };
  }

  /** Remove the lock if this allocator wrote it; a lock someone else holds is left alone. */
  async release(port: number): Promise<void> {
    const current = await this.#read(port);
    if (current.kind === 'record' && current.record.allocatorId === this.allocatorId) {
      await unlinkIfPresent(this.lockPath(port));
    }
  }

  async #create(port: number, record: PortLockRecord): Promise<boolean> {
    const path = this.lockPath(port);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw error;
    }
    try {
      await handle.writeFile(`${JSON.stringify(record)}\n`);
    } catch (error) {
      await handle.close();
      await unlinkIfPresent(path);
      throw error;
    }
    await handle.close();
    return true;
  }

  async #read(port: number): Promise<LockFileState> {
    const path = this.lockPath(port);
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'missing', raw: null };
      throw error;
    }
    const record = parseLockRecord(raw);
    if (record !== null) return { kind: 'record', raw, record };
    const ageMs = await fileAgeMs(path);
    return ageMs === null ? { kind: 'missing', raw: null } : { kind: 'unreadable', raw, ageMs };
  }

  /** Replace a stale lock whose content was `expectedRaw`, if it still is. */
  async #takeOver(port: number, expectedRaw: string | null, record: PortLockRecord): Promise<boolean> {
    const guard = `${this.lockPath(port)}.takeover`;
    try {
      await (await open(guard, 'wx')).close();
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      const ageMs = await fileAgeMs(guard);
      if (ageMs !== null && ageMs > TAKEOVER_GUARD_STALE_MS) await unlinkIfPresent(guard);
      return false;
    }
    try {
      const current = await this.#read(port);
      if (current.raw !== expectedRaw) return false;
      try {
        await unlinkIfPresent(this.lockPath(port));
      } catch (error) {
        // Another user's stale lock in the sticky host-wide directory: not ours to remove.
        if (errorCode(error) === 'EPERM' || errorCode(error) === 'EACCES') return false;
        throw error;
      }
      return await this.#create(port, record);
    } finally {
      await unlinkIfPresent(guard);
    }
  }
}

type LockFileState =
  | { kind: 'missing'; raw: null }
  | { kind: 'record'; raw: string; record: PortLockRecord }
  | { kind: 'unreadable'; raw: string; ageMs: number };

function parseLockRecord(raw: string): PortLockRecord | null {
  try {
    const value = JSON.parse(raw) as Partial<PortLockRecord> | null;
    if (typeof value?.pid !== 'number' || typeof value.owner !== 'string') return null;
    return {
      pid: value.pid,
      owner: value.owner,
      createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
      allocatorId: typeof value.allocatorId === 'string' ? value.allocatorId : '',
    };
  } catch {
    return null;
  }
}

async function fileAgeMs(path: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

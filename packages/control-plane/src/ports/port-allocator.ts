import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GATEWAY_PORT,
  type EngineKind,
  FALLBACK_ENGINE_PORT_RANGE,
  PREFERRED_ENGINE_PORTS,
} from '@sage/protocol';
import { PortUnavailableError } from '../errors.js';
import { isValidPort, portCandidates } from './port-candidates.js';
import { PortLockDirectory } from './port-lock-directory.js';
import { isPidAlive, isPortBindable } from './port-probe.js';

export interface PortAllocatorOptions {
  /** Control-plane state directory; locks live in `<stateDir>/ports/<port>.lock`. */
  stateDir: string;
  /** The gateway's own port, never handed out (default {@link DEFAULT_GATEWAY_PORT}). */
  gatewayPort?: number;
  /** Address the bind test uses, i.e. where engines listen (default `127.0.0.1`). */
  host?: string;
  /** Preferred ports per engine kind, tried in order (default {@link PREFERRED_ENGINE_PORTS}). */
  preferred?: { llm: readonly number[]; embedding: readonly number[] };
  /** Inclusive range tried after the preferred ports (default {@link FALLBACK_ENGINE_PORT_RANGE}). */
  fallbackRange?: { start: number; end: number };
  /** Whether a TCP server can bind `host:port` now (default: a real bind, closed at once). */
  isPortBindable?: (port: number, host: string) => Promise<boolean>;
  /** Whether a pid is alive, to recognise stale locks (default: `process.kill(pid, 0)`). */
  isPidAlive?: (pid: number) => boolean;
  /**
   * A lock directory shared by every control plane on this host, whatever its state directory
   * (two users, two `SAGE_HOME`s): a port is handed out only when it is locked here too.
   * Default `<os tmpdir>/sage-port-locks`; `null` turns it off.
   */
  hostLockDir?: string | null;
}

/** Default host-wide lock directory (see {@link PortAllocatorOptions.hostLockDir}). */
const DEFAULT_HOST_PORT_LOCK_DIR = join(tmpdir(), 'sage-port-locks');

export interface PortAllocateOptions {
  /** Who the port is for, usually the engine id. Recorded in the lock file. */
  owner: string;
  /** Exactly this port, or a {@link PortUnavailableError}. */
  port?: number | undefined;
  /** Try this port first, then the usual order (e.g. a restarted engine keeping its port). */
  prefer?: number | undefined;
}

/**
 * The only place engine ports are chosen (SPEC section 5). Candidates are the kind's preferred
 * ports, then the fallback range, never the gateway's port. A port is handed out only when its
 * lock file `<stateDir>/ports/<port>.lock` could be created exclusively AND a TCP server could bind
 * it, so two control planes over one state directory (or two concurrent calls in one) never get
 * the same port, and a port some other program listens on is skipped. Locks left by a dead
 * process are reclaimed.
 *
 * @example
 * ```ts
 * const ports = new PortAllocator({ stateDir: '/home/me/.sage' });
 * const port = await ports.allocate('llm', { owner: 'engine-1' }); // 8001 when free
 * // ... engine stops
 * await ports.release(port);
 * ```
 */
export class PortAllocator {
  readonly #locks: PortLockDirectory;
  readonly #hostLocks: PortLockDirectory | null;
  readonly #gatewayPort: number;
  readonly #host: string;
  readonly #preferred: { llm: readonly number[]; embedding: readonly number[] };
  readonly #fallbackRange: { start: number; end: number };
  readonly #isPortBindable: (port: number, host: string) => Promise<boolean>;
  /** Ports this allocator holds: port → owner. */
  readonly #reservations = new Map<number, string>();
  /** Ports a call of this allocator is claiming right now (lock or bind test in flight). */
  readonly #claiming = new Set<number>();

  constructor(options: PortAllocatorOptions) {
    this.#locks = new PortLockDirectory({
      stateDir: options.stateDir,
      isPidAlive: options.isPidAlive ?? isPidAlive,
    });
    const hostLockDir = options.hostLockDir === undefined ? DEFAULT_HOST_PORT_LOCK_DIR : options.hostLockDir;
    this.#hostLocks =
      hostLockDir === null
        ? null
        : new PortLockDirectory({
            stateDir: options.stateDir,
            directory: hostLockDir,
            isPidAlive: options.isPidAlive ?? isPidAlive,
          });
    this.#gatewayPort = options.gatewayPort ?? DEFAULT_GATEWAY_PORT;
    this.#host = options.host ?? '127.0.0.1';
    this.#preferred = options.preferred ?? PREFERRED_ENGINE_PORTS;
    this.#fallbackRange = options.fallbackRange ?? FALLBACK_ENGINE_PORT_RANGE;
    this.#isPortBindable = options.isPortBindable ?? isPortBindable;
  }

  /** Choose, lock and return a free port for an engine of `kind`. */
  async allocate(kind: EngineKind, options: PortAllocateOptions): Promise<number> {
    if (options.port !== undefined) {
      const reason = await this.#claim(options.port, options.owner);
      if (reason !== null) throw new PortUnavailableError(options.port, reason);
      return options.port;
    }
    const candidates = portCandidates({
      preferred: this.#preferred[kind],
      fallbackRange: this.#fallbackRange,
      gatewayPort: this.#gatewayPort,
      prefer: options.prefer,
    });
    for (const port of candidates) {
      if ((await this.#claim(port, options.owner)) === null) return port;
    }
    const { start, end } = this.#fallbackRange;
    throw new PortUnavailableError(
      null,
      `all ${candidates.length} candidate ports for '${kind}' (preferred ${this.#preferred[kind].join(', ') || 'none'}, then ${start}-${end}) are locked or in use`,
    );
  }

  /**
   * Claim a port an engine already listens on (adoption after a control-plane restart); no bind
   * test. True when the lock is free, stale, already this allocator's for `owner`, or names
   * `owner` (the same engine, locked by a control plane that went away).
   */
  async reserve(port: number, owner: string): Promise<boolean> {
    if (!isValidPort(port) || port === this.#gatewayPort || this.#claiming.has(port)) return false;
    const holder = this.#reservations.get(port);
    if (holder !== undefined) return holder === owner;
    this.#claiming.add(port);
    try {
      const result = await this.#lockBoth(port, owner);
      if (result.acquired) this.#reservations.set(port, owner);
      return result.acquired;
    } finally {
      this.#claiming.delete(port);
    }
  }

  /** Give a port back: its lock file and in-memory entry are removed, so it can be handed out again. */
  async release(port: number): Promise<void> {
    if (!this.#reservations.delete(port)) return;
    await this.#unlockBoth(port);
  }

  /** Ports this allocator holds, port → owner. */
  reservations(): ReadonlyMap<number, string> {
    return new Map(this.#reservations);
  }

  /** Lock and bind-test one port; null when claimed, else why not. */
  async #claim(port: number, owner: string): Promise<string | null> {
    if (!isValidPort(port)) return 'not a valid TCP port';
    if (port === this.#gatewayPort) return "it is the gateway's port";
    if (this.#claiming.has(port)) return 'another allocation is claiming it';
    const holder = this.#reservations.get(port);
    if (holder !== undefined && holder !== owner) return `already reserved for '${holder}'`;
    const alreadyOurs = holder === owner;
    // Synchronous check-and-set: concurrent calls of this allocator skip the port from here on.
    this.#claiming.add(port);
    try {
      if (!alreadyOurs) {
        const lock = await this.#lockBoth(port, owner);
        if (!lock.acquired) return lock.reason;
      }
      if (!(await this.#isPortBindable(port, this.#host))) {
        if (!alreadyOurs) await this.#unlockBoth(port);
        return `something is listening on ${this.#host}:${port}`;
      }
      this.#reservations.set(port, owner);
      return null;
    } catch (error) {
      if (!alreadyOurs) await this.#unlockBoth(port).catch(() => undefined);
      throw error;
    } finally {
      this.#claiming.delete(port);
    }
  }

  /**
   * Lock a port in the state directory and in the host-wide directory. A lock naming the same
   * owner is this engine's own (left by a gateway that went away).
   */
  async #lockBoth(
    port: number,
    owner: string,
  ): Promise<{ acquired: true } | { acquired: false; reason: string }> {
    const local = await this.#locks.acquire(port, owner, { acceptSameOwner: true });
    if (!local.acquired || !this.#hostLocks) return local;
    const host = await this.#hostLocks.acquire(port, owner, { acceptSameOwner: true });
    if (!host.acquired) await this.#locks.release(port);
    return host;
  }

  async #unlockBoth(port: number): Promise<void> {
    await this.#locks.release(port);
    await this.#hostLocks?.release(port);
  }
}

import { Pool } from 'undici';

/** Options of {@link EnginePools}. */
export interface EnginePoolsOptions {
  /** Most connections to one engine. */
  connectionsPerEngine: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

interface PoolEntry {
  host: string;
  port: number;
  pool: Pool;
}

function origin(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/**
 * One undici `Pool` (keep-alive connections) per engine. A pool is made on an engine's first
 * request and replaced when the engine's address changes; `drop` closes it when the engine
 * stops, fails or restarts. Nothing here assumes loopback (SPEC section 9).
 */
export class EnginePools {
  readonly #options: EnginePoolsOptions;
  readonly #pools = new Map<string, PoolEntry>();

  constructor(options: EnginePoolsOptions) {
    this.#options = options;
  }

  /** The pool for `engineId` at `host:port`. */
  get(engineId: string, host: string, port: number): Pool {
    const entry = this.#pools.get(engineId);
    if (entry && entry.host === host && entry.port === port) return entry.pool;
    if (entry) void entry.pool.destroy().catch(() => {});
    const pool = new Pool(origin(host, port), {
      connections: this.#options.connectionsPerEngine,
      keepAliveTimeout: this.#options.keepAliveTimeoutMs,
      headersTimeout: this.#options.headersTimeoutMs,
      bodyTimeout: this.#options.bodyTimeoutMs,
      pipelining: 1,
    });
    this.#pools.set(engineId, { host, port, pool });
    return pool;
  }

  /** Close the pool of an engine that went away (its process is gone or about to be). */
  drop(engineId: string): void {
    const entry = this.#pools.get(engineId);
    if (!entry) return;
    this.#pools.delete(engineId);
    void entry.pool.destroy().catch(() => {});
  }

  /** Engines that have a pool now. */
  engineIds(): string[] {
    return [...this.#pools.keys()];
  }

  /** Close every pool. */
  async close(): Promise<void> {
    const entries = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(entries.map((entry) => entry.pool.destroy().catch(() => {})));
  }
}

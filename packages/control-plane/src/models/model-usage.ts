/** Most engines remembered by default: far beyond a host's engines, small enough never to matter. */
const DEFAULT_MAX_ENGINES = 4096;

/**
 * When each engine became RUNNING and when it last served a request: what idle unloads and the
 * eviction order read. Fed by the manager from state changes and the scheduler's leases; the
 * manager forgets an engine once it is STOPPED, FAILED or pruned, and at most `maxEngines`
 * engines are remembered (the least recently used go first), so it never grows without bound.
 */
export class ModelUsage {
  readonly #lastUsedAt = new Map<string, number>();
  readonly #runningSince = new Map<string, number>();
  readonly #maxEngines: number;

  constructor(options: { maxEngines?: number } = {}) {
    this.#maxEngines = Math.max(1, options.maxEngines ?? DEFAULT_MAX_ENGINES);
  }

  /** The engine served (or finished serving) a request at `at`. */
  touch(engineId: string, at: number): void {
    // Re-inserted: the map's order is the order of use, oldest first.
    this.#lastUsedAt.delete(engineId);
    this.#lastUsedAt.set(engineId, at);
    this.#bound();
  }

  /** The engine became RUNNING at `at` (counts as a use: a fresh engine is not idle yet). */
  running(engineId: string, at: number): void {
    this.#runningSince.set(engineId, at);
    this.touch(engineId, at);
  }

  /** The engine left RUNNING (sleeping, restarting, unhealthy …). */
  stopped(engineId: string): void {
    this.#runningSince.delete(engineId);
  }

  /** The engine is gone (STOPPED, FAILED, pruned): nothing of it is kept. */
  forget(engineId: string): void {
    this.#runningSince.delete(engineId);
    this.#lastUsedAt.delete(engineId);
  }

  runningSince(engineId: string): number | null {
    return this.#runningSince.get(engineId) ?? null;
  }

  /** Last use; `fallback` (e.g. the engine's creation time) when it never served. */
  lastUsedAt(engineId: string, fallback: number): number {
    return this.#lastUsedAt.get(engineId) ?? fallback;
  }

  /** How many engines are remembered. */
  get size(): number {
    return this.#lastUsedAt.size;
  }

  #bound(): void {
    for (const engineId of this.#lastUsedAt.keys()) {
      if (this.#lastUsedAt.size <= this.#maxEngines) return;
      this.forget(engineId);
    }
  }
}

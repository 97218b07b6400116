/**
 * When each engine became RUNNING and when it last served a request: what idle unloads and the
 * eviction order read. Fed by the manager from state changes and the scheduler's leases.
 */
export class ModelUsage {
  readonly #lastUsedAt = new Map<string, number>();
  readonly #runningSince = new Map<string, number>();

  /** The engine served (or finished serving) a request at `at`. */
  touch(engineId: string, at: number): void {
    this.#lastUsedAt.set(engineId, at);
  }

  /** The engine became RUNNING at `at` (counts as a use: a fresh engine is not idle yet). */
  running(engineId: string, at: number): void {
    this.#runningSince.set(engineId, at);
    this.#lastUsedAt.set(engineId, at);
  }

  /** The engine left RUNNING (stopped, failed, restarting). */
  stopped(engineId: string): void {
    this.#runningSince.delete(engineId);
  }

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
}

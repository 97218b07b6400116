import { ValidationError } from '@sage/protocol';

/** Default chunk-hash capacity of one engine's entry in the prefix index. */
export const DEFAULT_PREFIX_CACHE_CHUNKS = 4096;

/**
 * The scheduler's belief of which prompt prefixes each engine holds in its KV cache: per engine a
 * bounded LRU of chained chunk hashes (hash `i` stands for the prompt up to the end of chunk `i`),
 * updated as requests are routed, plus a reverse map chunk → engines so a lookup walks the
 * request's chunks once, whatever the number of engines. Engines that report their real cache can
 * replace their entry ({@link PrefixCacheIndex.replace}).
 */
export class PrefixCacheIndex {
  readonly #capacity: number;
  /** Per engine, its chunk hashes in LRU order (oldest first). */
  readonly #byEngine = new Map<string, Map<number, true>>();
  /** Chunk hash → engines holding it. */
  readonly #holders = new Map<number, Set<string>>();

  constructor(capacity = DEFAULT_PREFIX_CACHE_CHUNKS) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ValidationError({
        message: `prefixCacheChunks must be a positive integer, got ${capacity}`,
        path: 'prefixCacheChunks',
      });
    }
    this.#capacity = capacity;
  }

  /** True when no engine holds anything (lookups can be skipped). */
  get empty(): boolean {
    return this.#holders.size === 0;
  }

  /**
   * How many leading chunks of `hashes` each engine holds (engines holding none are omitted).
   * Walks the chunks in order and stops at the first one no engine holds.
   */
  match(hashes: readonly number[]): Map<string, number> {
    const matched = new Map<string, number>();
    if (hashes.length === 0 || this.#holders.size === 0) return matched;
    let alive: string[] | undefined;
    for (let index = 0; index < hashes.length; index += 1) {
      const holders = this.#holders.get(hashes[index] as number);
      if (!holders) break;
      alive = alive === undefined ? [...holders] : alive.filter((engineId) => holders.has(engineId));
      if (alive.length === 0) break;
      for (const engineId of alive) matched.set(engineId, index + 1);
    }
    return matched;
  }

  /** `engineId` now holds the prompt `hashes` (most recently used); the oldest chunks beyond capacity are evicted. */
  record(engineId: string, hashes: readonly number[]): void {
    if (hashes.length === 0) return;
    let chunks = this.#byEngine.get(engineId);
    if (!chunks) {
      chunks = new Map();
      this.#byEngine.set(engineId, chunks);
    }
    const limit = Math.min(hashes.length, this.#capacity);
    for (let index = 0; index < limit; index += 1) {
      const hash = hashes[index] as number;
      if (chunks.has(hash)) chunks.delete(hash);
      chunks.set(hash, true);
      let holders = this.#holders.get(hash);
      if (!holders) {
        holders = new Set();
        this.#holders.set(hash, holders);
      }
      holders.add(engineId);
    }
    while (chunks.size > this.#capacity) {
      const oldest = chunks.keys().next().value as number;
      chunks.delete(oldest);
      this.#drop(oldest, engineId);
    }
  }

  /**
   * The hook for engines that report their cache: `engineId` holds exactly `hashes` (most recent
   * last). An empty list clears it (the engine restarted or evicted everything).
   */
  replace(engineId: string, hashes: readonly number[]): void {
    this.forget(engineId);
    this.record(engineId, hashes);
  }

  /** Drop everything believed about `engineId` (it stopped, restarted or left the fleet). */
  forget(engineId: string): void {
    const chunks = this.#byEngine.get(engineId);
    if (!chunks) return;
    for (const hash of chunks.keys()) this.#drop(hash, engineId);
    this.#byEngine.delete(engineId);
  }

  /** Engines with an entry. */
  engineIds(): string[] {
    return [...this.#byEngine.keys()];
  }

  /** Chunks held by `engineId`. */
  size(engineId: string): number {
    return this.#byEngine.get(engineId)?.size ?? 0;
  }

  #drop(hash: number, engineId: string): void {
    const holders = this.#holders.get(hash);
    if (!holders) return;
    holders.delete(engineId);
    if (holders.size === 0) this.#holders.delete(hash);
  }
}

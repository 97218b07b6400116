/**
 * The simulated engine's service model, shared by the HTTP engine (`simulated-engine.ts`) and the
 * virtual-time fleet of the scheduling benchmark, so both serve a request the same way:
 *
 *   service time = uncached prompt tokens × prefill-ms-per-1k / 1000 + max_tokens × decode-ms-per-token
 *
 * Prompt tokens are whitespace-separated words of every message (a role marker counts as one),
 * in blocks of `BLOCK_TOKENS`; block `i` is identified by a hash chained over blocks 0…i (as
 * vLLM's prefix cache does). The longest run of leading blocks found in the engine's LRU cache
 * costs nothing to prefill; the request's blocks are then cached.
 */

/** Tokens per cache block. */
const BLOCK_TOKENS = 16;

/** A chat message as the engine reads it. */
interface EngineMessage {
  role?: unknown;
  content?: unknown;
}

/** The prompt's block hashes (whole blocks only) and its token count. */
export function promptBlocks(messages: readonly EngineMessage[]): { hashes: number[]; tokens: number } {
  const hashes: number[] = [];
  let hash = 0x811c9dc5;
  let inBlock = 0;
  let tokens = 0;
  const addToken = (word: string) => {
    for (let index = 0; index < word.length; index += 1)
      hash = Math.imul(hash ^ word.charCodeAt(index), 0x01000193);
    hash = Math.imul(hash ^ 32, 0x01000193);
    tokens += 1;
    inBlock += 1;
    if (inBlock === BLOCK_TOKENS) {
      hashes.push(hash >>> 0);
      inBlock = 0;
    }
  };
  for (const message of messages) {
    addToken(`<${typeof message.role === 'string' ? message.role : 'user'}>`);
    if (typeof message.content !== 'string') continue;
    for (const word of message.content.split(/\s+/)) if (word) addToken(word);
  }
  return { hashes, tokens };
}

/** An engine's prefix cache: an LRU of block hashes with a capacity in tokens (0 = no cache). */
export class PrefixBlockCache {
  readonly #blocks: number;
  /** Block hash → true, least recently used first. */
  readonly #cache = new Map<number, true>();

  constructor(capacityTokens: number) {
    this.#blocks = Math.floor(capacityTokens / BLOCK_TOKENS);
  }

  get capacityTokens(): number {
    return this.#blocks * BLOCK_TOKENS;
  }

  get size(): number {
    return this.#cache.size;
  }

  /** Tokens of the longest cached run of leading blocks; refreshes and caches the request's blocks. */
  lookupAndInsert(hashes: readonly number[]): number {
    if (this.#blocks <= 0) return 0;
    let hits = 0;
    while (hits < hashes.length && this.#cache.has(hashes[hits] as number)) hits += 1;
    for (const hash of hashes) {
      this.#cache.delete(hash);
      this.#cache.set(hash, true);
    }
    while (this.#cache.size > this.#blocks) this.#cache.delete(this.#cache.keys().next().value as number);
    return hits * BLOCK_TOKENS;
  }

  clear(): void {
    this.#cache.clear();
  }
}

/** Prefill and decode time of a request, in ms. */
export function serviceTimes(
  rates: { prefillMsPer1k: number; decodeMsPerToken: number },
  uncachedPromptTokens: number,
  completionTokens: number,
): { prefillMs: number; decodeMs: number } {
  return {
    prefillMs: (uncachedPromptTokens * rates.prefillMsPer1k) / 1000,
    decodeMs: completionTokens * rates.decodeMsPerToken,
  };
}

/**
 * Admission to the engine: at most `maxConcurrency` running and their KV memory (prompt +
 * max_tokens each) within `kvCapacityTokens` (0 = unlimited; a request larger than the whole
 * capacity runs alone); others wait in FIFO order, as vLLM's waiting queue would.
 */
export class EngineSlots<Waiting extends { tokens: number }> {
  active = 0;
  kvUsed = 0;
  readonly waiting: Waiting[] = [];

  constructor(
    readonly maxConcurrency: number,
    readonly kvCapacityTokens: number,
  ) {}

  fits(tokens: number): boolean {
    if (this.active >= this.maxConcurrency) return false;
    if (this.kvCapacityTokens <= 0 || this.active === 0) return true;
    return this.kvUsed + tokens <= this.kvCapacityTokens;
  }

  /** Take a slot now (true) or queue `waiting` (false). */
  tryStart(waiting: Waiting): boolean {
    if (this.waiting.length === 0 && this.fits(waiting.tokens)) {
      this.take(waiting.tokens);
      return true;
    }
    this.waiting.push(waiting);
    return false;
  }

  /** Free a slot; returns the waiting entries that start now (their slots already taken). */
  release(tokens: number): Waiting[] {
    this.active -= 1;
    this.kvUsed -= tokens;
    const started: Waiting[] = [];
    while (this.waiting.length > 0 && this.fits((this.waiting[0] as Waiting).tokens)) {
      const next = this.waiting.shift() as Waiting;
      this.take(next.tokens);
      started.push(next);
    }
    return started;
  }

  private take(tokens: number): void {
    this.active += 1;
    this.kvUsed += tokens;
  }
}

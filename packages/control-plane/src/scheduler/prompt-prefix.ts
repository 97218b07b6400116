/**
 * Chained chunk hashes of a rendered prompt, for prefix-cache affinity. The prompt is rendered
 * the way chat templates lay it out — the tools first, then every message (role, name, content,
 * tool calls) in order — and cut into fixed chunks of `PROMPT_CHUNK_CHARS` characters; hash `i`
 * covers the whole prompt up to the end of chunk `i` (FNV-1a, seeded with hash `i − 1`), so two
 * prompts share hash `i` exactly when they share their first `i + 1` chunks. A trailing partial
 * chunk is not hashed (an engine's KV cache holds whole blocks too).
 */

/** Characters per chunk: about 64 tokens of English text. */
export const PROMPT_CHUNK_CHARS = 256;

/** At most this many chunks are hashed (≈ 128 k characters): a bound on the cost per request. */
export const MAX_PROMPT_CHUNKS = 512;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

class ChunkHasher {
  readonly hashes: number[] = [];
  #hash = FNV_OFFSET;
  #filled = 0;

  get full(): boolean {
    return this.hashes.length >= MAX_PROMPT_CHUNKS;
  }

  add(text: string): void {
    let hash = this.#hash;
    let filled = this.#filled;
    for (let index = 0; index < text.length; index += 1) {
      hash = Math.imul(hash ^ text.charCodeAt(index), FNV_PRIME);
      filled += 1;
      if (filled === PROMPT_CHUNK_CHARS) {
        this.hashes.push(hash >>> 0);
        if (this.hashes.length >= MAX_PROMPT_CHUNKS) break;
        filled = 0;
      }
    }
    this.#hash = hash;
    this.#filled = filled;
  }
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/**
 * The chained chunk hashes of an OpenAI chat or completion body (`messages` + `tools`, or
 * `prompt`); an empty list when it has neither or is shorter than one chunk.
 *
 * @example
 * ```ts
 * promptPrefixHashes({ messages: [{ role: 'system', content: longSystemPrompt }, { role: 'user', content: 'hi' }] });
 * ```
 */
export function promptPrefixHashes(body: Readonly<Record<string, unknown>>): number[] {
  const hasher = new ChunkHasher();
  if (body.tools !== undefined) hasher.add(`<tools>${textOf(body.tools)}`);
  const { messages, prompt } = body;
  if (Array.isArray(messages)) {
    for (const message of messages as unknown[]) {
      if (hasher.full) break;
      if (message === null || typeof message !== 'object') continue;
      const { role, name, content, tool_calls: toolCalls } = message as Record<string, unknown>;
      hasher.add(`<${textOf(role)}${name === undefined ? '' : `:${textOf(name)}`}>`);
      hasher.add(textOf(content));
      if (toolCalls !== undefined) hasher.add(textOf(toolCalls));
    }
  } else if (prompt !== undefined) {
    hasher.add(textOf(prompt));
  }
  return hasher.hashes;
}

/**
 * Token counts read from engine answers for the token counters and the inter-token latency,
 * without parsing whole bodies on the request path: a byte search for the `usage` object, then a
 * small regular expression over the few hundred bytes after it.
 */

/** Tokens of one answer, as far as the engine said. */
export interface TokenUsage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

const USAGE_KEY = Buffer.from('"usage"');
const PROMPT = /"prompt_tokens"\s*:\s*(\d+)/;
const COMPLETION = /"completion_tokens"\s*:\s*(\d+)/;
/** Enough for `"usage":{"prompt_tokens":…,"completion_tokens":…,"total_tokens":…, details}`. */
const USAGE_WINDOW = 512;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The `usage` of an OpenAI answer (the last `"usage"` key in `bytes`); undefined counts when absent. */
export function usageFromBody(bytes: Uint8Array): TokenUsage {
  const buffer = asBuffer(bytes);
  const at = buffer.lastIndexOf(USAGE_KEY);
  if (at < 0) return { promptTokens: undefined, completionTokens: undefined };
  const text = buffer.toString('utf8', at, Math.min(buffer.length, at + USAGE_WINDOW));
  const prompt = PROMPT.exec(text)?.[1];
  const completion = COMPLETION.exec(text)?.[1];
  return {
    promptTokens: prompt === undefined ? undefined : Number(prompt),
    completionTokens: completion === undefined ? undefined : Number(completion),
  };
}

/** A generated piece of a streamed answer: each token chunk of chat and legacy completions says so. */
const TOKEN_EVENT = Buffer.from('"finish_reason":null');
/** Bytes of the stream's end kept to find a last `usage` chunk (`stream_options.include_usage`). */
const TAIL_BYTES = 2_048;

/**
 * Watches a streamed answer go by: when its first and last chunks passed, how many token events
 * it carried (`"finish_reason":null`, one per generated piece on vLLM, llama.cpp and our engines),
 * and the usage of its last chunk when the engine sent one. O(chunk) byte searches, no parsing.
 */
export class StreamMeter {
  #firstAt: number | undefined;
  #lastAt = 0;
  #events = 0;
  #tail: Buffer = Buffer.alloc(0);

  /** One chunk handed on to the client at `now` (`performance.now()`). */
  chunk(bytes: Uint8Array, now: number): void {
    this.#firstAt ??= now;
    this.#lastAt = now;
    const buffer = asBuffer(bytes);
    for (
      let at = buffer.indexOf(TOKEN_EVENT);
      at >= 0;
      at = buffer.indexOf(TOKEN_EVENT, at + TOKEN_EVENT.length)
    ) {
      this.#events += 1;
    }
    this.#tail =
      buffer.length >= TAIL_BYTES
        ? Buffer.from(buffer.subarray(buffer.length - TAIL_BYTES))
        : Buffer.concat([this.#tail, buffer]).subarray(-TAIL_BYTES);
  }

  /** Tokens of the stream: the engine's usage chunk when it sent one, else the token events counted. */
  usage(): TokenUsage {
    const reported = usageFromBody(this.#tail);
    return {
      promptTokens: reported.promptTokens,
      completionTokens: reported.completionTokens ?? (this.#events > 0 ? this.#events : undefined),
    };
  }

  /**
   * Mean seconds between two generated tokens: first to last chunk over `tokens - 1` gaps;
   * undefined with fewer than two tokens.
   */
  interTokenSeconds(tokens: number | undefined): number | undefined {
    if (this.#firstAt === undefined || tokens === undefined || tokens < 2) return undefined;
    return (this.#lastAt - this.#firstAt) / 1000 / (tokens - 1);
  }
}

/** The OpenAI `error.type` and `error.code` of an engine's error body, for the error counter. */
export function errorLabelsFromBody(bytes: Uint8Array): {
  errorType: string | undefined;
  errorCode: string | undefined;
} {
  const none = { errorType: undefined, errorCode: undefined };
  // Error bodies are small; a large one is not an OpenAI error object worth parsing here.
  if (bytes.byteLength > 65_536) return none;
  try {
    const parsed = JSON.parse(asBuffer(bytes).toString('utf8')) as {
      error?: { type?: unknown; code?: unknown };
    };
    const error = parsed?.error;
    if (typeof error !== 'object' || error === null) return none;
    return {
      errorType: typeof error.type === 'string' ? error.type : undefined,
      errorCode:
        typeof error.code === 'string'
          ? error.code
          : typeof error.code === 'number'
            ? String(error.code)
            : undefined,
    };
  } catch {
    return none;
  }
}

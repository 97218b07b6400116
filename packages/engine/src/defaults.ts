/**
 * Every default of the engine process, in one place. The CLI help, docs/engines.md and the tests
 * refer to these constants.
 */

/** Bind address: loopback, the control plane connects locally. */
export const DEFAULT_HOST = '127.0.0.1';
/** Concurrent generations (llama.cpp sequences) per engine. */
export const DEFAULT_PARALLEL = 1;
/** Waiting requests allowed per running slot; past `parallel × this`, requests get 429. */
export const QUEUE_SLOTS_PER_PARALLEL = 4;
/** Seconds a 429 answer asks the client to wait (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 1;
/** Context size (tokens per sequence) of the bundled tiny models: small, so CPU runs stay fast. */
export const TINY_MODEL_CONTEXT_SIZE = 512;
/** Context size (tokens per sequence) of other models when `--context-size` is not given. */
export const DEFAULT_CONTEXT_SIZE = 4096;
/**
 * `max_tokens` when a request leaves it out, for the tiny models (the legacy OpenAI completions
 * default). Other models generate until the context is full, as vLLM does.
 */
export const TINY_MODEL_DEFAULT_MAX_TOKENS = 16;
/** OpenAI's default sampling temperature (node-llama-cpp's own default, 0, would be greedy). */
export const DEFAULT_TEMPERATURE = 1;
/**
 * Largest request body the engine reads (32 MiB; the gateway's own limit is lower), and the
 * deepest JSON nesting it parses: bodies past either are refused before parsing (413, 400).
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
export const MAX_JSON_DEPTH = 128;
/** How long SIGTERM waits for in-flight requests before aborting them. */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Threads for llama.cpp: 1 on machines with 2 cores or fewer (more threads than cores makes
 * llama.cpp 10–40× slower there), else all cores but one.
 */
export function defaultThreads(availableCores: number): number {
  return availableCores <= 2 ? 1 : availableCores - 1;
}

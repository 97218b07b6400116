import type { ChatCompletion, ChatCompletionChunk, ChatMessage } from '@sage/protocol';
import { CliExitError, GatewayUnreachableError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';

/** The slice of `UnifiedInferenceClient` that `sage llm chat` and `sage llm embed` use. */
export interface InferenceClient {
  /** One string is a single user message; an array is the whole conversation. */
  chat(messages: string | ChatMessage[], options: { model?: string }): Promise<ChatCompletion>;
  chatStream(
    messages: string | ChatMessage[],
    options: { model?: string },
  ): AsyncIterable<ChatCompletionChunk>;
  embed(
    texts: string | string[],
    options: { model?: string },
  ): Promise<{ embeddings: number[][]; usage: { promptTokens: number; totalTokens: number }; model: string }>;
  close(): Promise<void>;
}

export type InferenceClientFactory = (options: { controlPlaneUrl: string }) => Promise<InferenceClient>;

/** `UnifiedInferenceClient.create()`, loaded on demand (the client is the only way in, SPEC A). */
export const createInferenceClient: InferenceClientFactory = async (options) => {
  const { UnifiedInferenceClient } = await import('@sage/llm-core');
  return UnifiedInferenceClient.create({ controlPlaneUrl: options.controlPlaneUrl });
};

/**
 * The client's typed errors as CLI exits: `SageConnectionError` → 3 with the hint,
 * `SageApiError` / `SageTimeoutError` → 1 with their message. Others pass through. Matched by
 * name, so this module does not load the client.
 */
export function toCliError(error: unknown, apiBase: string): unknown {
  if (!(error instanceof Error)) return error;
  if (error.name === 'SageConnectionError') return new GatewayUnreachableError(apiBase, { cause: error });
  // The client's messages already carry the HTTP status, OpenAI code and request id.
  if (error.name === 'SageApiError' || error.name === 'SageTimeoutError') {
    return new CliExitError(EXIT_CODES.failed, error.message, { cause: error });
  }
  return error;
}

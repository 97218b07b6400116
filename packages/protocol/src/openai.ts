import { z } from 'zod';

/**
 * OpenAI wire types. Request schemas validate what the gateway and engines need and keep
 * unknown fields (`z.looseObject`), as OpenAI tolerates them.
 */

export const OpenAiErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type OpenAiErrorBody = z.infer<typeof OpenAiErrorBody>;

/** Build an OpenAI-shaped error body. */
export function openAiError(
  message: string,
  options: { type?: string; code?: string | null; param?: string | null } = {},
): OpenAiErrorBody {
  return {
    error: {
      message,
      type: options.type ?? 'invalid_request_error',
      param: options.param ?? null,
      code: options.code ?? null,
    },
  };
}

const contentPart = z.looseObject({ type: z.string() });

export const ChatMessage = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool', 'developer', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  name: z.string().optional(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const stop = z
  .union([z.string(), z.array(z.string()).max(4)])
  .nullable()
  .optional();
const streamOptions = z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional();

const samplingFields = {
  model: z.string().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop,
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptions,
  n: z.number().int().min(1).max(1).nullable().optional(),
  user: z.string().optional(),
};

export const ChatCompletionRequest = z.looseObject({
  ...samplingFields,
  messages: z.array(ChatMessage).min(1, 'messages must contain at least one message'),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export const CompletionRequest = z.looseObject({
  ...samplingFields,
  prompt: z.union([z.string(), z.array(z.string()).min(1)]),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export const EmbeddingRequest = z.looseObject({
  model: z.string().optional(),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1, 'input must not be empty'),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;

export interface Usage {
  prompt_tokens: number;
  completion_tokens?: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; refusal?: string | null };
    finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;
    logprobs: null;
  }>;
  usage?: Usage;
  system_fingerprint?: string;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null };
    finish_reason: 'stop' | 'length' | null;
    logprobs?: null;
  }>;
  usage?: Usage | null;
}

export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    text: string;
    finish_reason: 'stop' | 'length' | null;
    logprobs: null;
  }>;
  usage?: Usage;
}

export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** sage extension: what the model serves. */
  kind?: 'llm' | 'embedding';
  /** sage extension, catalog models only: `loaded`, `loading`, `sleeping`, `unloaded` or `failed` (docs/models.md). */
  state?: 'loaded' | 'loading' | 'sleeping' | 'unloaded' | 'failed';
  /** sage extension, catalog models only: other names requests may use. */
  aliases?: string[];
}

export interface ModelList {
  object: 'list';
  data: ModelEntry[];
}

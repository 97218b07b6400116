import { type ChatMessage, camelToSnake } from '@sage/protocol';
import type {
  ChatInput,
  ChatOptions,
  EmbedOptions,
  GenerateOptions,
  StreamOptions,
} from './client-options.js';

/** Keys of the per-call options that steer the request, never sent in the body. */
const CALL_KEYS = new Set([
  'model',
  'priority',
  'sloDeadlineMs',
  'signal',
  'timeoutMs',
  'requestId',
  'extraBody',
  'includeUsage',
]);

/**
 * The body fields of the sampling options: top-level keys become snake_case, values pass through
 * untouched (`temperature: 0` stays 0; nested objects keep their keys). Undefined is dropped.
 */
export function samplingFields(options: object): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (CALL_KEYS.has(key) || value === undefined) continue;
    fields[camelToSnake(key)] = value;
  }
  return fields;
}

/** `model` only when a call or the client names one; otherwise the gateway picks the default of the kind. */
function modelField(model: string | undefined, fallback: string | undefined): { model?: string } {
  const chosen = model ?? fallback;
  return chosen === undefined ? {} : { model: chosen };
}

function streamFields(stream: boolean, options: StreamOptions): Record<string, unknown> {
  if (!stream) return { stream: false };
  return options.includeUsage ? { stream: true, stream_options: { include_usage: true } } : { stream: true };
}

function toMessages(input: ChatInput): ChatMessage[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : input;
}

export function chatBody(
  input: ChatInput,
  options: ChatOptions & StreamOptions,
  defaultModel: string | undefined,
  stream: boolean,
): Record<string, unknown> {
  return {
    ...modelField(options.model, defaultModel),
    messages: toMessages(input),
    ...samplingFields(options),
    ...options.extraBody,
    ...streamFields(stream, options),
  };
}

export function completionBody(
  prompt: string | string[],
  options: GenerateOptions & StreamOptions,
  defaultModel: string | undefined,
  stream: boolean,
): Record<string, unknown> {
  return {
    ...modelField(options.model, defaultModel),
    prompt,
    ...samplingFields(options),
    ...options.extraBody,
    ...streamFields(stream, options),
  };
}

export function embeddingBody(
  texts: string | string[],
  options: EmbedOptions,
  defaultModel: string | undefined,
): Record<string, unknown> {
  return {
    ...modelField(options.model, defaultModel),
    input: texts,
    ...samplingFields(options),
    ...options.extraBody,
  };
}

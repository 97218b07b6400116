import { randomUUID } from 'node:crypto';
import { parseOrThrow } from '@sage/protocol';
import { z } from 'zod';
import { UnsupportedParameterError } from '../errors/gateway-errors.js';
import type { ChatAnswer, ChatChunk, ChatTurn, ChatUsage } from './chat-shapes.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`, which coding agents speak) over chat
 * completions: the request becomes a chat completion request, the answer (or each streamed
 * chunk) a Message (or its events). Text in, text out; tools and images are a 400 naming the
 * parameter. Errors use Anthropic's shape (`{ type: 'error', error: { type, message } }`) with
 * the OpenAI `code` and `param` added.
 */

const textBlock = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([z.string(), z.array(textBlock)]);

const MessagesRequest = z.looseObject({
  model: z.string().optional(),
  max_tokens: z.number().int().positive().optional(),
  messages: z
    .array(z.looseObject({ role: z.enum(['user', 'assistant']), content }))
    .min(1, 'messages must contain at least one message'),
  system: content.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).max(4).optional(),
  stream: z.boolean().optional(),
  tools: z.array(z.unknown()).optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;

export function parseMessagesRequest(body: unknown): MessagesRequest {
  return parseOrThrow(MessagesRequest, body, 'invalid messages request');
}

function blocksText(value: z.infer<typeof content>, param: string): string {
  if (typeof value === 'string') return value;
  return value
    .map((block, index) => {
      if (block.type !== 'text' || block.text === undefined) {
        throw new UnsupportedParameterError(
          `${param}.${index}`,
          `content blocks of type '${block.type}' are not supported by this engine (text only)`,
        );
      }
      return block.text;
    })
    .join('');
}

/** The chat completion request that answers `request`. */
export function messagesToChat(request: MessagesRequest): Record<string, unknown> {
  if (request.tools && request.tools.length > 0) {
    throw new UnsupportedParameterError('tools', 'tools are not supported by this engine on /v1/messages');
  }
  const messages: ChatTurn[] = [];
  if (request.system !== undefined)
    messages.push({ role: 'system', content: blocksText(request.system, 'system') });
  request.messages.forEach((message, index) => {
    messages.push({ role: message.role, content: blocksText(message.content, `messages.${index}.content`) });
  });
  const chat: Record<string, unknown> = { messages };
  if (request.model !== undefined) chat.model = request.model;
  if (request.max_tokens !== undefined) chat.max_tokens = request.max_tokens;
  if (request.temperature !== undefined) chat.temperature = request.temperature;
  if (request.top_p !== undefined) chat.top_p = request.top_p;
  if (request.stop_sequences?.length) chat.stop = request.stop_sequences;
  if (request.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

const STOP_REASONS: Record<string, string> = { length: 'max_tokens', stop: 'end_turn' };

function stopReason(finishReason: string | null | undefined): string {
  return STOP_REASONS[finishReason ?? 'stop'] ?? 'end_turn';
}

function usageOf(usage: ChatUsage | null | undefined) {
  return { input_tokens: usage?.prompt_tokens ?? 0, output_tokens: usage?.completion_tokens ?? 0 };
}

export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/** A whole chat completion → an Anthropic Message. */
export function chatToMessage(id: string, chat: ChatAnswer, requestedModel: string | undefined) {
  const choice = chat.choices?.[0];
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: chat.model ?? requestedModel ?? '',
    content: [{ type: 'text', text: choice?.message?.content ?? '' }],
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: usageOf(chat.usage),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
};

/** An OpenAI error body → Anthropic's error shape (with OpenAI's `code` and `param` kept). */
export function anthropicError(status: number, openAi: unknown) {
  const error = (openAi as { error?: { message?: string; code?: string | null; param?: string | null } })
    ?.error;
  return {
    type: 'error',
    error: {
      type: ERROR_TYPES[status] ?? 'api_error',
      message: error?.message ?? `request failed with status ${status}`,
      code: error?.code ?? null,
      param: error?.param ?? null,
    },
  };
}

/** One event of a streamed Message: its `type` is also the SSE event name. */
export type MessageEvent = { type: string } & Record<string, unknown>;

/**
 * Chat completion chunks → Messages stream events: `message_start`, `content_block_start`,
 * `ping`, `content_block_delta`…, `content_block_stop`, `message_delta` (stop reason, usage),
 * `message_stop`; an engine error becomes an `error` event.
 */
export class MessagesStreamTranslator {
  readonly #id: string;
  #model: string;
  #started = false;
  #finishReason: string | null | undefined;
  #usage: ChatUsage | null | undefined;

  constructor(id: string, requestedModel: string | undefined) {
    this.#id = id;
    this.#model = requestedModel ?? '';
  }

  #start(): MessageEvent[] {
    this.#started = true;
    return [
      {
        type: 'message_start',
        message: {
          id: this.#id,
          type: 'message',
          role: 'assistant',
          model: this.#model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
    ];
  }

  chunk(chunk: ChatChunk): MessageEvent[] {
    if (chunk.error) {
      return [
        { type: 'error', error: { type: 'api_error', message: chunk.error.message ?? 'the engine failed' } },
      ];
    }
    if (chunk.model) this.#model = chunk.model;
    const events = this.#started ? [] : this.#start();
    const choice = chunk.choices?.[0];
    const text = choice?.delta?.content;
    if (text) events.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
    if (choice?.finish_reason) this.#finishReason = choice.finish_reason;
    if (chunk.usage) this.#usage = chunk.usage;
    return events;
  }

  finish(): MessageEvent[] {
    const events = this.#started ? [] : this.#start();
    events.push(
      { type: 'content_block_stop', index: 0 },
      {
        type: 'message_delta',
        delta: { stop_reason: stopReason(this.#finishReason), stop_sequence: null },
        usage: usageOf(this.#usage),
      },
      { type: 'message_stop' },
    );
    return events;
  }
}

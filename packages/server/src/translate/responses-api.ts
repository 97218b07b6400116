import { randomUUID } from 'node:crypto';
import { parseOrThrow } from '@sage/protocol';
import { z } from 'zod';
import { UnsupportedParameterError } from '../errors/gateway-errors.js';
import type { ChatAnswer, ChatChunk, ChatTurn, ChatUsage } from './chat-shapes.js';

/**
 * OpenAI's Responses API (`POST /v1/responses`) over chat completions, for engines that do not
 * serve it: the request becomes a chat completion request, the answer (or each streamed chunk)
 * becomes a Response (or its events). Text in, text out; what the translation cannot carry
 * (tools, stored conversations, images) is a 400 naming the parameter.
 */

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const inputItem = z.looseObject({
  type: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']).optional(),
  content: z.union([z.string(), z.array(contentPart)]).optional(),
});

export const ResponsesRequest = z.looseObject({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(inputItem).min(1, 'input must not be empty')]),
  instructions: z.string().nullable().optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  tools: z.array(z.unknown()).nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  user: z.string().nullable().optional(),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequest>;

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  return parseOrThrow(ResponsesRequest, body, 'invalid responses request');
}

const TEXT_PARTS = new Set(['input_text', 'output_text', 'text']);

function itemText(item: z.infer<typeof inputItem>, index: number): string {
  if (typeof item.content === 'string') return item.content;
  return (item.content ?? [])
    .map((part, partIndex) => {
      if (!TEXT_PARTS.has(part.type) || part.text === undefined) {
        throw new UnsupportedParameterError(
          `input.${index}.content.${partIndex}`,
          `content of type '${part.type}' is not supported by this engine (text only)`,
        );
      }
      return part.text;
    })
    .join('');
}

/** The chat completion request that answers `request` (model as given: the forwarder resolves it). */
export function responsesToChat(request: ResponsesRequest): Record<string, unknown> {
  if (request.tools && request.tools.length > 0) {
    throw new UnsupportedParameterError('tools', 'tools are not supported by this engine on /v1/responses');
  }
  if (request.previous_response_id) {
    throw new UnsupportedParameterError(
      'previous_response_id',
      'the gateway stores no responses; send the whole conversation in input',
    );
  }
  const messages: ChatTurn[] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  if (typeof request.input === 'string') messages.push({ role: 'user', content: request.input });
  else {
    request.input.forEach((item, index) => {
      if (item.type !== undefined && item.type !== 'message') {
        throw new UnsupportedParameterError(
          `input.${index}`,
          `input items of type '${item.type}' are not supported`,
        );
      }
      const role = item.role === 'developer' ? 'system' : (item.role ?? 'user');
      messages.push({ role, content: itemText(item, index) });
    });
  }
  const chat: Record<string, unknown> = { messages };
  if (request.model !== undefined) chat.model = request.model;
  if (request.max_output_tokens != null) chat.max_tokens = request.max_output_tokens;
  if (request.temperature != null) chat.temperature = request.temperature;
  if (request.top_p != null) chat.top_p = request.top_p;
  if (request.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}

type Status = 'in_progress' | 'completed' | 'incomplete';

/** Identifiers and request echo shared by every event of one response. */
export interface ResponseFrame {
  id: string;
  messageId: string;
  createdAt: number;
  request: ResponsesRequest;
}

export function newResponseFrame(request: ResponsesRequest): ResponseFrame {
  const hex = randomUUID().replaceAll('-', '');
  return { id: `resp_${hex}`, messageId: `msg_${hex}`, createdAt: Math.floor(Date.now() / 1000), request };
}

function outputText(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function messageItem(frame: ResponseFrame, text: string | null, status: Status) {
  return {
    id: frame.messageId,
    type: 'message',
    status,
    role: 'assistant',
    content: text === null ? [] : [outputText(text)],
  };
}

function usageOf(usage: ChatUsage | null | undefined) {
  if (!usage) return null;
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.total_tokens ?? input + output,
  };
}

/** A Response object; `text` null while nothing is generated yet. */
function responseObject(
  frame: ResponseFrame,
  model: string,
  status: Status,
  text: string | null,
  usage: ChatUsage | null | undefined,
) {
  const { request } = frame;
  return {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status,
    completed_at: status === 'in_progress' ? null : Math.floor(Date.now() / 1000),
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output:
      text === null ? [] : [messageItem(frame, text, status === 'in_progress' ? 'in_progress' : 'completed')],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    ...(usage ? { usage: usageOf(usage) } : {}),
    ...(request.user ? { user: request.user } : {}),
    metadata: request.metadata ?? {},
  };
}

function statusOf(finishReason: string | null | undefined): Status {
  return finishReason === 'length' ? 'incomplete' : 'completed';
}

/** A whole chat completion → a Response. */
export function chatToResponse(frame: ResponseFrame, chat: ChatAnswer) {
  const choice = chat.choices?.[0];
  return responseObject(
    frame,
    chat.model ?? frame.request.model ?? '',
    statusOf(choice?.finish_reason),
    choice?.message?.content ?? '',
    chat.usage,
  );
}

/** One event of a streamed Response: its `type` is also the SSE event name. */
export type ResponseEvent = { type: string } & Record<string, unknown>;

/**
 * Chat completion chunks → Responses stream events (`response.created`, `response.in_progress`,
 * `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`…,
 * `response.output_text.done`, `response.content_part.done`, `response.output_item.done`, then
 * `response.completed` or `response.incomplete`; an engine error becomes an `error` event).
 */
export class ResponsesStreamTranslator {
  readonly #frame: ResponseFrame;
  #sequence = 0;
  #model: string;
  #text = '';
  #started = false;
  #finishReason: string | null | undefined;
  #usage: ChatUsage | null | undefined;

  constructor(frame: ResponseFrame) {
    this.#frame = frame;
    this.#model = frame.request.model ?? '';
  }

  #event(type: string, fields: Record<string, unknown>): ResponseEvent {
    const event = { type, sequence_number: this.#sequence, ...fields };
    this.#sequence += 1;
    return event;
  }

  #part(): Record<string, unknown> {
    return { item_id: this.#frame.messageId, output_index: 0, content_index: 0 };
  }

  #start(): ResponseEvent[] {
    this.#started = true;
    const response = responseObject(this.#frame, this.#model, 'in_progress', null, null);
    return [
      this.#event('response.created', { response }),
      this.#event('response.in_progress', { response }),
      this.#event('response.output_item.added', {
        output_index: 0,
        item: messageItem(this.#frame, null, 'in_progress'),
      }),
      this.#event('response.content_part.added', { ...this.#part(), part: outputText('') }),
    ];
  }

  /** The events one chat chunk makes. */
  chunk(chunk: ChatChunk): ResponseEvent[] {
    if (chunk.error) {
      return [
        this.#event('error', {
          code: chunk.error.code ?? 'engine_error',
          message: chunk.error.message ?? 'the engine failed',
          param: chunk.error.param ?? null,
        }),
      ];
    }
    if (chunk.model) this.#model = chunk.model;
    const events = this.#started ? [] : this.#start();
    const choice = chunk.choices?.[0];
    const delta = choice?.delta?.content;
    if (delta) {
      this.#text += delta;
      events.push(this.#event('response.output_text.delta', { ...this.#part(), delta, logprobs: [] }));
    }
    if (choice?.finish_reason) this.#finishReason = choice.finish_reason;
    if (chunk.usage) this.#usage = chunk.usage;
    return events;
  }

  /** The closing events, once the chat stream ended with `[DONE]`. */
  finish(): ResponseEvent[] {
    const events = this.#started ? [] : this.#start();
    const status = statusOf(this.#finishReason);
    const text = this.#text;
    events.push(
      this.#event('response.output_text.done', { ...this.#part(), text, logprobs: [] }),
      this.#event('response.content_part.done', { ...this.#part(), part: outputText(text) }),
      this.#event('response.output_item.done', {
        output_index: 0,
        item: messageItem(this.#frame, text, 'completed'),
      }),
      this.#event(status === 'completed' ? 'response.completed' : 'response.incomplete', {
        response: responseObject(this.#frame, this.#model, status, text, this.#usage),
      }),
    );
    return events;
  }
}

import { randomUUID } from 'node:crypto';
import { type ChatCompletion, type ChatCompletionChunk, ChatCompletionRequest } from '@sage/protocol';
import { Hono } from 'hono';
import { toChatTurns } from '../chat-turns.js';
import { refuseLogprobs } from '../http-error.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteContext } from '../route-context.js';
import type { GenerationFormat } from '../serve-generation.js';
import { respondWithGeneration } from './generation-response.js';

const ENDPOINT = '/v1/chat/completions';

function chatFormat(model: string, created: number, includeUsage: boolean): GenerationFormat {
  const id = `chatcmpl-${randomUUID()}`;
  const chunk = (choices: ChatCompletionChunk['choices']): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices,
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    completeBody: (result, usage): ChatCompletion => ({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: result.text, refusal: null },
          finish_reason: result.finishReason,
          logprobs: null,
        },
      ],
      usage,
    }),
    openingChunks: () => [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
    ],
    textChunk: (text) => chunk([{ index: 0, delta: { content: text }, finish_reason: null }]),
    finalChunk: (finishReason) => chunk([{ index: 0, delta: {}, finish_reason: finishReason }]),
    usageChunk: (usage) => ({ ...chunk([]), usage }),
  };
}

/** `POST /v1/chat/completions`. */
export function chatCompletionsRoute(context: RouteContext): Hono {
  return new Hono().post(ENDPOINT, async (c) => {
    const request = await readJsonBody(c, ChatCompletionRequest, 'invalid chat completion request');
    refuseLogprobs(request);
    const model = context.state.generationModel(ENDPOINT);
    context.state.checkModelName(request.model);
    const prepared = await model.prepareChat(toChatTurns(request.messages));
    return respondWithGeneration({
      context,
      endpoint: ENDPOINT,
      request,
      model,
      prepared,
      format: chatFormat,
      clientSignal: c.req.raw.signal,
    });
  });
}

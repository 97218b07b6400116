import { randomUUID } from 'node:crypto';
import { type Completion, CompletionRequest } from '@sage/protocol';
import { Hono } from 'hono';
import { badRequest, refuseLogprobs } from '../http-error.js';
import { readJsonBody } from '../read-json-body.js';
import type { RouteContext } from '../route-context.js';
import type { GenerationFormat } from '../serve-generation.js';
import { respondWithGeneration } from './generation-response.js';

const ENDPOINT = '/v1/completions';

function completionFormat(model: string, created: number, includeUsage: boolean): GenerationFormat {
  const id = `cmpl-${randomUUID()}`;
  const chunk = (choices: Completion['choices']) => ({
    id,
    object: 'text_completion' as const,
    created,
    model,
    choices,
    ...(includeUsage ? { usage: null } : {}),
  });
  return {
    completeBody: (result, usage): Completion => ({
      ...chunk([{ index: 0, text: result.text, finish_reason: result.finishReason, logprobs: null }]),
      usage,
    }),
    openingChunks: () => [],
    textChunk: (text) => chunk([{ index: 0, text, finish_reason: null, logprobs: null }]),
    finalChunk: (finishReason) =>
      chunk([{ index: 0, text: '', finish_reason: finishReason, logprobs: null }]),
    usageChunk: (usage) => ({ ...chunk([]), usage }),
  };
}

/** `POST /v1/completions` (one prompt per request). */
export function completionsRoute(context: RouteContext): Hono {
  return new Hono().post(ENDPOINT, async (c) => {
    const request = await readJsonBody(c, CompletionRequest, 'invalid completion request');
    refuseLogprobs(request);
    const model = context.state.generationModel(ENDPOINT);
    context.state.checkModelName(request.model);
    const prompts = typeof request.prompt === 'string' ? [request.prompt] : request.prompt;
    if (prompts.length !== 1) {
      throw badRequest(`this engine takes one prompt per request, got ${prompts.length}`, 'prompt');
    }
    const prepared = await model.prepareCompletion(prompts[0]!);
    return respondWithGeneration({
      context,
      endpoint: ENDPOINT,
      request,
      model,
      prepared,
      format: completionFormat,
      clientSignal: c.req.raw.signal,
    });
  });
}

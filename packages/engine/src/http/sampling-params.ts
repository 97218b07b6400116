import { DEFAULT_TEMPERATURE } from '../defaults.js';
import type { SamplingParams } from '../runtime/serving-model.js';
import { badRequest } from './http-error.js';

/** The sampling fields shared by chat and completion requests (after zod validation). */
export interface SamplingFields {
  max_tokens?: number | null | undefined;
  max_completion_tokens?: number | null | undefined;
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
}

export interface ContextLimits {
  contextSize: number;
  defaultMaxTokens: number | undefined;
}

/**
 * OpenAI sampling fields → node-llama-cpp sampling. Like vLLM, a prompt plus `max_tokens` that
 * does not fit the context is a 400; without `max_tokens` the generation may use the rest of the
 * context (capped by the model's default, if it has one).
 */
export function samplingParams(
  request: SamplingFields,
  promptTokens: number,
  limits: ContextLimits,
): SamplingParams {
  const remaining = limits.contextSize - promptTokens;
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const param = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  if (remaining <= 0) {
    throw badRequest(
      `This model's maximum context length is ${limits.contextSize} tokens. However, your prompt has ${promptTokens} tokens. Please reduce the length of the prompt.`,
      null,
      'context_length_exceeded',
    );
  }
  if (requested !== undefined && requested > remaining) {
    throw badRequest(
      `This model's maximum context length is ${limits.contextSize} tokens. However, you requested ${promptTokens + requested} tokens (${promptTokens} in the prompt, ${requested} in the completion). Please reduce the length of the prompt or of the completion.`,
      param,
      'context_length_exceeded',
    );
  }
  const maxTokens = requested ?? Math.min(remaining, limits.defaultMaxTokens ?? remaining);
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (stop.some((text) => text === '')) throw badRequest('stop sequences must not be empty', 'stop');
  return {
    maxTokens,
    temperature: request.temperature ?? DEFAULT_TEMPERATURE,
    topP: request.top_p ?? undefined,
    seed: request.seed ?? undefined,
    stop,
  };
}

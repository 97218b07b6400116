import { openAiError, ValidationError } from '@sage/protocol';
import { RETRY_AFTER_SECONDS } from '../defaults.js';
import { PromptTooLongError, QueueFullError } from '../errors.js';
import type { RequestOutcome } from '../metrics/engine-metrics.js';

/** An error answered with an HTTP status and OpenAI's error body. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 429 | 500 | 503,
    message: string,
    readonly options: {
      type?: string;
      code?: string | null;
      param?: string | null;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function badRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): HttpError {
  return new HttpError(400, message, { type: 'invalid_request_error', param, code });
}

export interface ErrorAnswer {
  status: HttpError['status'];
  body: ReturnType<typeof openAiError>;
  headers: Record<string, string>;
  outcome: RequestOutcome;
}

const outcomeByStatus: Record<HttpError['status'], RequestOutcome> = {
  400: 'invalid',
  404: 'invalid',
  413: 'invalid',
  429: 'rejected',
  500: 'error',
  503: 'rejected',
};

/** Every error has a `code` (OpenAI's codes where one fits): the status decides when the thrower gave none. */
const codeByStatus: Record<HttpError['status'], string> = {
  400: 'invalid_value',
  404: 'not_found',
  413: 'request_too_large',
  429: 'rate_limit_exceeded',
  500: 'internal_error',
  503: 'engine_unavailable',
};

/** The one mapping from a thrown error to an HTTP answer in OpenAI's error shape. */
export function toErrorAnswer(error: unknown): ErrorAnswer {
  const httpError = asHttpError(error);
  const { type, code, param, retryAfterSeconds } = httpError.options;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  return {
    status: httpError.status,
    body: openAiError(httpError.message, {
      type: type ?? (httpError.status >= 500 ? 'server_error' : 'invalid_request_error'),
      code: code ?? codeByStatus[httpError.status],
      param: param ?? null,
    }),
    headers,
    outcome: outcomeByStatus[httpError.status],
  };
}

function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (ValidationError.isInstance(error)) return badRequest(error.message, error.path || null);
  if (PromptTooLongError.isInstance(error))
    return badRequest(error.message, error.param, 'context_length_exceeded');
  if (QueueFullError.isInstance(error)) {
    return new HttpError(429, error.message, {
      type: 'rate_limit_error',
      code: 'queue_full',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(500, `internal engine error: ${message}`, { type: 'server_error' });
}

/**
 * Log probabilities are not served by this engine (node-llama-cpp gives no per-token
 * probabilities through our generation path): a request for them is a 400 naming the parameter,
 * never a silent `null`. `logprobs: false` / `top_logprobs: 0` / `null` ask for nothing.
 */
export function refuseLogprobs(request: Record<string, unknown>): void {
  for (const param of ['logprobs', 'top_logprobs'] as const) {
    const value = request[param];
    if (value === undefined || value === null || value === false || value === 0) continue;
    throw badRequest(
      `this engine does not return log probabilities (${param})`,
      param,
      'unsupported_parameter',
    );
  }
}

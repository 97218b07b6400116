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
      code: code ?? null,
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

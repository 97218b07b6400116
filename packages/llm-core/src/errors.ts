import { errorMarker, hasMarker, SageError } from '@sage/protocol';

/**
 * Errors raised by the client. All extend `SageError` and carry a `Symbol.for` marker, so
 * `isInstance()` works across two copies of the package.
 */

const apiMarker = errorMarker('llm-core', 'SageApiError');
/** The control plane (or an engine behind it) answered with an error status. */
export class SageApiError extends SageError {
  readonly [apiMarker] = true;
  /** HTTP status of the answer. */
  readonly status: number;
  /** OpenAI error code, e.g. `model_not_found`; null when the body had none. */
  readonly code: string | null;
  /** OpenAI error type, e.g. `invalid_request_error`. */
  readonly type: string | null;
  /** The request field the error is about, when the server named one. */
  readonly param: string | null;
  /** `X-Request-ID` of the request: quote it when reporting a problem. */
  readonly requestId: string | null;
  /** Who raised it (`gateway` or `engine`, from `X-Sage-Error-Source`), when the server said. */
  readonly source: string | null;
  /** Milliseconds the server asked to wait (`Retry-After`), for 429 and 503 answers. */
  readonly retryAfterMs: number | null;

  constructor(options: {
    message: string;
    status: number;
    code?: string | null;
    type?: string | null;
    param?: string | null;
    requestId?: string | null;
    source?: string | null;
    retryAfterMs?: number | null;
    cause?: unknown;
  }) {
    super({ name: 'SageApiError', message: options.message, cause: options.cause });
    this.status = options.status;
    this.code = options.code ?? null;
    this.type = options.type ?? null;
    this.param = options.param ?? null;
    this.requestId = options.requestId ?? null;
    this.source = options.source ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  static override isInstance(error: unknown): error is SageApiError {
    return hasMarker(error, apiMarker);
  }
}

const timeoutMarker = errorMarker('llm-core', 'SageTimeoutError');
/** A request got no answer (or, for a stream, no next event) within its `timeoutMs`. */
export class SageTimeoutError extends SageError {
  readonly [timeoutMarker] = true;
  readonly timeoutMs: number;
  readonly url: string;
  readonly requestId: string | null;

  constructor(options: { timeoutMs: number; url: string; requestId?: string | null; cause?: unknown }) {
    super({
      name: 'SageTimeoutError',
      message: `no answer from ${options.url} within ${options.timeoutMs} ms (raise timeoutMs for slow models)`,
      cause: options.cause,
    });
    this.timeoutMs = options.timeoutMs;
    this.url = options.url;
    this.requestId = options.requestId ?? null;
  }

  static override isInstance(error: unknown): error is SageTimeoutError {
    return hasMarker(error, timeoutMarker);
  }
}

const connectionMarker = errorMarker('llm-core', 'SageConnectionError');
/** The control plane could not be reached, or the connection broke during an answer. */
export class SageConnectionError extends SageError {
  readonly [connectionMarker] = true;
  readonly url: string;
  /** The system error code (`ECONNREFUSED`, `ECONNRESET`, …) when there was one. */
  readonly code: string | null;

  constructor(options: { message: string; url: string; code?: string | null; cause?: unknown }) {
    super({ name: 'SageConnectionError', message: options.message, cause: options.cause });
    this.url = options.url;
    this.code = options.code ?? null;
  }

  static override isInstance(error: unknown): error is SageConnectionError {
    return hasMarker(error, connectionMarker);
  }
}

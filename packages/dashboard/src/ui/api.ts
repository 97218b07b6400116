import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** An error answer of the management API (OpenAI's error shape), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { message?: unknown; code?: unknown; param?: unknown };
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON
  }
  const error = body.error ?? {};
  return new ApiError(
    typeof error.message === 'string' ? error.message : `${response.status} ${response.statusText}`,
    response.status,
    typeof error.code === 'string' ? error.code : null,
    typeof error.param === 'string' ? error.param : null,
  );
}

/** One server-sent event. */
export interface StreamEvent {
  event: string | undefined;
  data: string;
}

/**
 * The dashboard's management client. The key travels only in the `Authorization` header (never
 * in a URL); bodies are `application/json` and requests same-origin, as the management guard
 * requires (docs/security.md). Event streams are read with `fetch` (EventSource cannot send the header).
 */
export class ManagementClient {
  constructor(readonly token: string | null) {}

  #headers(body: boolean): Record<string, string> {
    return {
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      accept: 'application/json',
    };
  }

  async #fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: this.#headers(body !== undefined),
        cache: 'no-store',
        credentials: 'omit',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(`the gateway did not answer (${String(error)})`, 0);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /** A JSON request; rejects with {@link ApiError}. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.#fetch(method, path, body)).json()) as T;
  }

  /** Read a `text/event-stream` until it ends or `signal` aborts. */
  /** Read the event stream at `path`; `onOpen` runs once the gateway answered (the stream is live). */
  async stream(
    path: string,
    signal: AbortSignal,
    onEvent: (event: StreamEvent) => void,
    onOpen?: () => void,
  ): Promise<void> {
    const response = await this.#fetch('GET', path, undefined, signal);
    if (!response.body) return;
    onOpen?.();
    const parser = createParser({
      onEvent: (message: EventSourceMessage) => onEvent({ event: message.event, data: message.data }),
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
}

import { randomUUID } from 'node:crypto';
import { type Priority, SageError } from '@sage/protocol';
import { Agent, type Dispatcher, request } from 'undici';
import { routeUrl } from '../client/control-plane-url.js';
import { CLIENT_DEFAULTS } from '../defaults.js';
import { SageConnectionError, SageTimeoutError } from '../errors.js';
import { apiErrorFrom } from './api-error.js';
import { systemErrorCode, withConnectRetry } from './connection-retry.js';
import { createDeadline, type Deadline } from './deadline.js';
import { requestHeaders } from './request-headers.js';
import { parseServerSentEvents } from './server-sent-events.js';

export interface HttpTransportOptions {
  /** `http://host:port/v1`; route paths are appended to it. */
  baseUrl: string;
  apiKey?: string | undefined;
  /**
   * Sent instead of `apiKey` to `/management/…` routes when set: the local admin token of a
   * loopback gateway (docs/security.md), which never goes to inference routes.
   */
  managementApiKey?: string | undefined;
  /** Sent as `X-Scheduling-Policy` on every request when set. */
  schedulingPolicy?: string | undefined;
  timeoutMs: number;
  connectRetryDelaysMs?: readonly number[];
}

/** Per-call settings the transport understands. */
export interface CallOptions {
  requestId?: string | undefined;
  priority?: Priority | undefined;
  sloDeadlineMs?: number | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

type Method = 'GET' | 'POST' | 'DELETE';

interface Exchange {
  url: string;
  requestId: string;
  timeoutMs: number;
  deadline: Deadline;
  headers: Record<string, string>;
}

/** The error every call raises once `close()` has been called. */
function clientClosedError(): SageError {
  return new SageError({
    name: 'SageClientClosedError',
    message: 'this UnifiedInferenceClient is closed; obtain a new one with UnifiedInferenceClient.create()',
  });
}

/**
 * HTTP to one control plane over a pooled keep-alive undici `Agent`: JSON calls, SSE streams,
 * deadlines through AbortSignal, connect-phase retries and typed errors.
 */
export class HttpTransport {
  readonly baseUrl: string;
  readonly #options: HttpTransportOptions;
  readonly #agent: Agent;
  readonly #inFlight = new Set<Deadline>();
  #closed = false;

  constructor(options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl;
    this.#options = options;
    this.#agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  }

  /** A JSON request; resolves with the parsed 2xx body. */
  async json<T>(method: Method, path: string, body?: unknown, call: CallOptions = {}): Promise<T> {
    const exchange = this.#begin(routeUrl(this.baseUrl, path), body !== undefined, false, call);
    try {
      const answer = await this.#send(exchange, method, body);
      const text = await answer.body.text();
      if (answer.statusCode >= 400) {
        throw apiErrorFrom({
          status: answer.statusCode,
          headers: answer.headers,
          body: text,
          requestId: exchange.requestId,
        });
      }
      return parseJson<T>(text, exchange.url);
    } catch (error) {
      throw this.#translate(error, exchange);
    } finally {
      this.#end(exchange);
    }
  }

  /**
   * A streamed request: yields each SSE event's parsed JSON until `[DONE]`. Returning early
   * (`break` in `for await`) aborts the HTTP request, so the engine stops generating.
   */
  async *events(
    path: string,
    body: unknown,
    call: CallOptions = {},
  ): AsyncGenerator<unknown, void, undefined> {
    const exchange = this.#begin(routeUrl(this.baseUrl, path), true, true, call);
    let finished = false;
    let answer: Dispatcher.ResponseData | undefined;
    try {
      answer = await this.#send(exchange, 'POST', body);
      if (answer.statusCode >= 400) {
        const text = await answer.body.text();
        throw apiErrorFrom({
          status: answer.statusCode,
          headers: answer.headers,
          body: text,
          requestId: exchange.requestId,
        });
      }
      for await (const data of parseServerSentEvents(refreshOnChunk(answer.body, exchange.deadline))) {
        const event = parseJson<Record<string, unknown>>(data, exchange.url);
        if (event && typeof event === 'object' && 'error' in event && !('choices' in event)) {
          throw apiErrorFrom({
            status: answer.statusCode,
            headers: answer.headers,
            body: event,
            requestId: exchange.requestId,
          });
        }
        yield event;
      }
      finished = true;
    } catch (error) {
      finished = true;
      throw this.#translate(error, exchange);
    } finally {
      if (!finished) {
        exchange.deadline.abort();
        answer?.body.destroy();
      }
      this.#end(exchange);
    }
  }

  /** GET `url` and return its status: any HTTP answer counts. Throws only when nothing answers. */
  async probe(url: string, timeoutMs: number): Promise<number> {
    const exchange = this.#begin(url, false, false, { timeoutMs });
    try {
      const answer = await this.#send(exchange, 'GET', undefined);
      await answer.body.dump();
      return answer.statusCode;
    } catch (error) {
      throw this.#translate(error, exchange);
    } finally {
      this.#end(exchange);
    }
  }

  /** Abort what is in flight and close the pooled connections. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const deadline of this.#inFlight) deadline.abort(clientClosedError());
    await this.#agent.close();
  }

  #begin(url: string, hasBody: boolean, stream: boolean, call: CallOptions): Exchange {
    if (this.#closed) throw clientClosedError();
    const requestId = call.requestId ?? randomUUID();
    const timeoutMs = call.timeoutMs ?? this.#options.timeoutMs;
    const deadline = createDeadline(timeoutMs, call.signal);
    this.#inFlight.add(deadline);
    const headers = requestHeaders({
      requestId,
      apiKey: this.#keyFor(url),
      priority: call.priority,
      sloDeadlineMs: call.sloDeadlineMs,
      schedulingPolicy: this.#options.schedulingPolicy,
      hasBody,
      stream,
    });
    return { url, requestId, timeoutMs, deadline, headers };
  }

  #keyFor(url: string): string | undefined {
    const { apiKey, managementApiKey } = this.#options;
    if (managementApiKey === undefined) return apiKey;
    return url.startsWith(`${this.baseUrl}/management/`) ? managementApiKey : apiKey;
  }

  #end(exchange: Exchange): void {
    exchange.deadline.clear();
    this.#inFlight.delete(exchange.deadline);
  }

  #send(exchange: Exchange, method: Method, body: unknown): Promise<Dispatcher.ResponseData> {
    const { signal } = exchange.deadline;
    return withConnectRetry(
      () =>
        request(exchange.url, {
          dispatcher: this.#agent,
          method,
          headers: exchange.headers,
          body: body === undefined ? null : JSON.stringify(body),
          signal,
        }),
      { delaysMs: this.#options.connectRetryDelaysMs ?? CLIENT_DEFAULTS.connectRetryDelaysMs, signal },
    );
  }

  #translate(error: unknown, exchange: Exchange): unknown {
    const cause = exchange.deadline.cause();
    if (cause === 'timeout') {
      return new SageTimeoutError({
        timeoutMs: exchange.timeoutMs,
        url: exchange.url,
        requestId: exchange.requestId,
        cause: error,
      });
    }
    if (cause !== null) return exchange.deadline.signal.reason ?? error;
    if (SageError.isInstance(error)) return error;
    const code = systemErrorCode(error);
    if (code !== null) {
      return new SageConnectionError({
        message: `connection to ${exchange.url} failed (${code}); is the control plane running? Start one with \`sage gateway start\``,
        url: exchange.url,
        code,
        cause: error,
      });
    }
    return error;
  }
}

async function* refreshOnChunk(
  body: AsyncIterable<Uint8Array>,
  deadline: Deadline,
): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of body) {
    deadline.refresh();
    yield chunk;
  }
}

function parseJson<T>(text: string, url: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SageError({
      name: 'SageInvalidResponseError',
      message: `${url} answered with something that is not JSON: ${text.slice(0, 200)}`,
      cause: error,
    });
  }
}

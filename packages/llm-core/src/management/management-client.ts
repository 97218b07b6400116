import { randomUUID } from 'node:crypto';
import {
  type CachedModelListWire,
  type CachedModelWire,
  type CatalogListWire,
  type CatalogModelStatusWire,
  type ClusterStatusWire,
  type EngineInfoWire,
  type EngineListWire,
  type EngineLogsWire,
  type EngineStartRequestWire,
  type GatewayHealthWire,
  type GpuListWire,
  HEALTH_HTTP_STATUS,
  type ModelPullEventWire,
  type ModelPullRequestWire,
  type PresetApplyRequestWire,
  type PresetApplyWire,
  type PruneWire,
  SageError,
  serverSentEvents,
} from '@sage/protocol';
import { Agent, type Dispatcher, request } from 'undici';
import { healthUrlOf, normalizeControlPlaneUrl } from '../client/control-plane-url.js';
import { CLIENT_DEFAULTS } from '../defaults.js';
import { SageConnectionError, SageTimeoutError } from '../errors.js';
import { apiErrorFrom } from '../http/api-error.js';
import { systemErrorCode } from '../http/connection-retry.js';
import { requestHeaders } from '../http/request-headers.js';

/** `GET /health`: `GatewayHealthWire` (older gateways answer `{ status: 'ok' }` alone). */
export type HealthWire = Pick<GatewayHealthWire, 'status'> & Partial<Omit<GatewayHealthWire, 'status'>>;

/**
 * The gateway's management API (`/v1/management/*` and `/health`), with the wire bodies of
 * `@sage/protocol` (snake_case, as the routes answer). Error answers raise `SageApiError`,
 * nothing answering `SageConnectionError` (its `url` is the API base), a request past its
 * timeout `SageTimeoutError`. Obtain one with {@link createManagementClient}.
 */
export interface ManagementClient {
  /** The API base this client talks to (`http://127.0.0.1:8889/v1`). */
  readonly apiBase: string;
  /** The gateway's health; `unavailable` (503: no engine RUNNING) is an answer, not an error. */
  health(): Promise<HealthWire>;
  listEngines(): Promise<EngineListWire>;
  getEngine(engineId: string): Promise<EngineInfoWire>;
  /** `wait: true` answers once the engine is RUNNING or FAILED. */
  startEngine(request: EngineStartRequestWire, options?: { wait?: boolean }): Promise<EngineInfoWire>;
  stopEngine(engineId: string, options: { drain: boolean }): Promise<unknown>;
  restartEngine(engineId: string): Promise<unknown>;
  engineLogs(engineId: string, options: { tail: number }): Promise<EngineLogsWire>;
  /** New log lines as they are written (after the last `tail` lines), until `signal` aborts. */
  followEngineLogs(engineId: string, options: { tail: number; signal?: AbortSignal }): AsyncIterable<string>;
  pruneEngines(): Promise<PruneWire>;
  status(): Promise<ClusterStatusWire>;
  gpus(): Promise<GpuListWire>;
  applyPreset(request: PresetApplyRequestWire): Promise<PresetApplyWire>;
  /** The model catalog with each model's state. */
  listCatalog(): Promise<CatalogListWire>;
  /** Load one engine of a catalog model; answers once it is RUNNING. */
  loadModel(name: string): Promise<CatalogModelStatusWire>;
  /** Drain and stop every engine of a catalog model. */
  unloadModel(name: string): Promise<CatalogModelStatusWire>;
  /** `POST /models/pull`: the pull's events (NDJSON) until `done` or `error`. */
  pullModel(
    request: ModelPullRequestWire,
    options?: { signal?: AbortSignal },
  ): AsyncIterable<ModelPullEventWire>;
  listCachedModels(): Promise<CachedModelListWire>;
  removeCachedModel(id: string): Promise<{ removed: CachedModelWire }>;
  /** Close the pooled connections (a dispatcher passed in is left open). */
  close(): Promise<void>;
}

/** Options of {@link createManagementClient}. */
export interface ManagementClientOptions {
  /** `http://host:port/v1` (a URL without a path gets `/v1`). */
  controlPlaneUrl: string;
  /**
   * Sent as `Authorization: Bearer <key>` when set; a function is asked at every request (the
   * local admin token of a loopback gateway appears once it has started).
   */
  apiKey?: string | (() => string | undefined) | undefined;
  /** Timeout of ordinary requests in ms (default `CLIENT_DEFAULTS.timeoutMs`); long waits have none. */
  timeoutMs?: number;
  /** Timeout of `health()` in ms (default `CLIENT_DEFAULTS.probeTimeoutMs`). */
  healthTimeoutMs?: number;
  /** undici dispatcher (tests pass a `MockAgent`); default: a keep-alive agent owned by the client. */
  dispatcher?: Dispatcher;
}

/**
 * A client of a gateway's management API: engines, GPUs, presets, the model catalog and cache.
 * `sage` uses it for every management command; `UnifiedInferenceClient` stays the way to run
 * inference.
 *
 * @example
 * ```ts
 * const management = createManagementClient({ controlPlaneUrl: 'http://127.0.0.1:8889/v1' });
 * const { engines } = await management.listEngines();
 * await management.close();
 * ```
 */
export function createManagementClient(options: ManagementClientOptions): ManagementClient {
  return new HttpManagementClient(options);
}

interface CallOptions {
  method?: Dispatcher.HttpMethod;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** 0: no timeout (long waits such as `?wait=true` and preset apply). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Error statuses whose body is still the answer (e.g. 503 from `/health`). */
  acceptStatuses?: readonly number[];
  /** The `accept` header asks for server-sent events. */
  stream?: boolean;
}

/** Codes that mean the request got no answer within its timeout. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Codes that mean nothing answers there, or the connection broke. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'ECONNRESET',
  'UND_ERR_CLOSED',
]);

class HttpManagementClient implements ManagementClient {
  readonly apiBase: string;
  readonly #management: string;
  readonly #health: string;
  readonly #apiKey: () => string | undefined;
  readonly #timeoutMs: number;
  readonly #healthTimeoutMs: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;

  constructor(options: ManagementClientOptions) {
    this.apiBase = normalizeControlPlaneUrl(options.controlPlaneUrl, 'controlPlaneUrl');
    this.#management = `${this.apiBase}/management`;
    this.#health = healthUrlOf(this.apiBase);
    const apiKey = options.apiKey;
    this.#apiKey = typeof apiKey === 'function' ? apiKey : () => apiKey || undefined;
    this.#timeoutMs = options.timeoutMs ?? CLIENT_DEFAULTS.timeoutMs;
    this.#healthTimeoutMs = options.healthTimeoutMs ?? CLIENT_DEFAULTS.probeTimeoutMs;
    this.#ownsDispatcher = options.dispatcher === undefined;
    // A short request timeout bounds the connect too (shell completion waits a fraction of a second).
    const connectTimeoutMs = Math.min(5_000, this.#timeoutMs || 5_000);
    this.#dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 1_000, connect: { timeout: connectTimeoutMs } });
  }

  health(): Promise<HealthWire> {
    return this.#call<HealthWire>(this.#health, {
      timeoutMs: this.#healthTimeoutMs,
      acceptStatuses: [HEALTH_HTTP_STATUS.unavailable],
    });
  }

  listEngines(): Promise<EngineListWire> {
    return this.#call<EngineListWire>(this.#path('/engines'));
  }

  getEngine(engineId: string): Promise<EngineInfoWire> {
    return this.#call<EngineInfoWire>(this.#path(`/engines/${encodeURIComponent(engineId)}`));
  }

  startEngine(body: EngineStartRequestWire, options: { wait?: boolean } = {}): Promise<EngineInfoWire> {
    return this.#call<EngineInfoWire>(this.#path('/engines'), {
      method: 'POST',
      body,
      query: { wait: options.wait ? true : undefined },
      timeoutMs: options.wait ? 0 : this.#timeoutMs,
    });
  }

  stopEngine(engineId: string, options: { drain: boolean }): Promise<unknown> {
    return this.#call(this.#path(`/engines/${encodeURIComponent(engineId)}`), {
      method: 'DELETE',
      query: { drain: options.drain },
      timeoutMs: 0,
    });
  }

  restartEngine(engineId: string): Promise<unknown> {
    return this.#call(this.#path(`/engines/${encodeURIComponent(engineId)}/restart`), {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  engineLogs(engineId: string, options: { tail: number }): Promise<EngineLogsWire> {
    return this.#call<EngineLogsWire>(this.#path(`/engines/${encodeURIComponent(engineId)}/logs`), {
      query: { tail: options.tail },
    });
  }

  async *followEngineLogs(
    engineId: string,
    options: { tail: number; signal?: AbortSignal },
  ): AsyncGenerator<string> {
    const url = this.#path(`/engines/${encodeURIComponent(engineId)}/logs`);
    const { response, requestId } = await this.#send(url, {
      query: { tail: options.tail, follow: true },
      timeoutMs: 0,
      signal: options.signal,
      stream: true,
    });
    await this.#throwIfError(response, requestId);
    try {
      for await (const event of serverSentEvents(response.body)) yield logLineOf(event.data);
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }

  pruneEngines(): Promise<PruneWire> {
    return this.#call<PruneWire>(this.#path('/engines/prune'), { method: 'POST' });
  }

  status(): Promise<ClusterStatusWire> {
    return this.#call<ClusterStatusWire>(this.#path('/status'));
  }

  gpus(): Promise<GpuListWire> {
    return this.#call<GpuListWire>(this.#path('/gpu'));
  }

  applyPreset(body: PresetApplyRequestWire): Promise<PresetApplyWire> {
    return this.#call<PresetApplyWire>(this.#path('/presets/apply'), { method: 'POST', body, timeoutMs: 0 });
  }

  listCatalog(): Promise<CatalogListWire> {
    return this.#call<CatalogListWire>(this.#path('/catalog'));
  }

  loadModel(name: string): Promise<CatalogModelStatusWire> {
    return this.#call<CatalogModelStatusWire>(this.#path(`/catalog/${encodeURIComponent(name)}/load`), {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  unloadModel(name: string): Promise<CatalogModelStatusWire> {
    return this.#call<CatalogModelStatusWire>(this.#path(`/catalog/${encodeURIComponent(name)}/unload`), {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  async *pullModel(
    body: ModelPullRequestWire,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<ModelPullEventWire> {
    // No timeout: the hub may take a while to list files, and a download as long as it needs.
    const { response, requestId } = await this.#send(this.#path('/models/pull'), {
      method: 'POST',
      body,
      timeoutMs: 0,
      signal: options.signal,
    });
    await this.#throwIfError(response, requestId);
    let buffered = '';
    for await (const chunk of response.body) {
      buffered += (chunk as Buffer).toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline !== -1) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line !== '') yield JSON.parse(line) as ModelPullEventWire;
        newline = buffered.indexOf('\n');
      }
    }
    if (buffered.trim() !== '') yield JSON.parse(buffered) as ModelPullEventWire;
  }

  listCachedModels(): Promise<CachedModelListWire> {
    return this.#call<CachedModelListWire>(this.#path('/models/cache'));
  }

  removeCachedModel(id: string): Promise<{ removed: CachedModelWire }> {
    return this.#call<{ removed: CachedModelWire }>(this.#path(`/models/cache/${encodeURIComponent(id)}`), {
      method: 'DELETE',
    });
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #path(path: string): string {
    return `${this.#management}${path}`;
  }

  async #call<T>(url: string, options: CallOptions = {}): Promise<T> {
    const { response, requestId } = await this.#send(url, options);
    if (!options.acceptStatuses?.includes(response.statusCode)) await this.#throwIfError(response, requestId);
    const text = await response.body.text();
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new SageError({
        name: 'SageInvalidResponseError',
        message: `the gateway at ${this.apiBase} answered with something that is not JSON: ${text.slice(0, 200)}`,
        cause: error,
      });
    }
  }

  async #throwIfError(response: Dispatcher.ResponseData, requestId: string): Promise<void> {
    if (response.statusCode < 400) return;
    throw apiErrorFrom({
      status: response.statusCode,
      headers: response.headers,
      body: await response.body.text(),
      requestId,
    });
  }

  async #send(
    target: string,
    options: CallOptions,
  ): Promise<{ response: Dispatcher.ResponseData; requestId: string }> {
    const url = new URL(target);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const requestId = randomUUID();
    const headers = requestHeaders({
      requestId,
      apiKey: this.#apiKey(),
      hasBody: options.body !== undefined,
      stream: options.stream === true,
    });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    try {
      const response = await request(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: this.#dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal,
      });
      return { response, requestId };
    } catch (error) {
      const code = systemErrorCode(error);
      if (code !== null && TIMEOUT_CODES.has(code)) {
        throw new SageTimeoutError({ timeoutMs, url: url.toString(), requestId, cause: error });
      }
      if (code !== null && CONNECTION_CODES.has(code)) {
        throw new SageConnectionError({
          message: `no answer from the gateway at ${this.apiBase} (${code}); start one with \`sage gateway start\``,
          url: this.apiBase,
          code,
          cause: error,
        });
      }
      throw error;
    }
  }
}

/** The log line of one `data: {"line":"…"}` payload (a plain payload is the line itself). */
function logLineOf(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null && 'line' in parsed) {
      return String((parsed as { line: unknown }).line);
    }
  } catch {
    // not JSON: the payload is the line
  }
  return data;
}

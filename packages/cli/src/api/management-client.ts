import {
  type CachedModelWire,
  type CatalogModelStatusWire,
  type ClusterStatusWire,
  type EngineInfoWire,
  type EngineListWire,
  type EngineLogsWire,
  type EngineStartRequestWire,
  type GpuListWire,
  HEALTH_HTTP_STATUS,
  type ModelPullEventWire,
  type ModelPullRequestWire,
  type PresetApplyRequestWire,
  type PresetApplyWire,
  type PruneWire,
} from '@sage/protocol';
import { Agent, type Dispatcher, request } from 'undici';
import { CLI_DEFAULTS } from '../defaults.js';
import { CliExitError, GatewayUnreachableError, ManagementApiError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { type GatewayUrls, gatewayUrls } from './api-base.js';
import type {
  CachedModelListWire,
  CatalogListWire,
  HealthWire,
  ManagementClient,
} from './management-types.js';
import { logLineOf, sseData } from './sse-lines.js';

/** System error codes that mean "nothing answered" (the request never reached a gateway). */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export interface HttpManagementClientOptions {
  /** `http://host:port/v1`. */
  apiBase: string;
  /**
   * Sent as `Authorization: Bearer <key>` when set; a function is asked at every request (the
   * local admin token appears once a gateway has started).
   */
  apiKey?: string | (() => string | undefined) | undefined;
  /** Timeout of ordinary requests; default {@link CLI_DEFAULTS.requestTimeoutMs}. */
  requestTimeoutMs?: number;
  /** undici dispatcher (tests pass a `MockAgent`); default: a keep-alive agent owned by the client. */
  dispatcher?: Dispatcher;
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
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The OpenAI-shaped error body `{ error: { message, type, param, code } }`, or a plain message. */
function toApiError(status: number, text: string): ManagementApiError {
  try {
    const parsed = JSON.parse(text) as { error?: Record<string, unknown> };
    const error = parsed.error;
    if (error && typeof error.message === 'string') {
      return new ManagementApiError({
        status,
        message: error.message,
        type: typeof error.type === 'string' ? error.type : null,
        code: typeof error.code === 'string' ? error.code : null,
        param: typeof error.param === 'string' ? error.param : null,
      });
    }
  } catch {
    // not JSON: fall through
  }
  const message = text.trim().slice(0, 200) || `HTTP ${status}`;
  return new ManagementApiError({ status, message });
}

/**
 * A small undici client of `/v1/management` (and `/health`). Connection failures become
 * {@link GatewayUnreachableError} (exit code 3 with a hint); error answers become
 * {@link ManagementApiError}.
 *
 * @example
 * ```ts
 * const client = new HttpManagementClient({ apiBase: 'http://127.0.0.1:8889/v1' });
 * const { engines } = await client.listEngines();
 * await client.close();
 * ```
 */
export class HttpManagementClient implements ManagementClient {
  readonly apiBase: string;
  private readonly urls: GatewayUrls;
  private readonly apiKey: () => string | undefined;
  private readonly requestTimeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(options: HttpManagementClientOptions) {
    this.urls = gatewayUrls(options.apiBase);
    this.apiBase = this.urls.apiBase;
    const apiKey = options.apiKey;
    this.apiKey = typeof apiKey === 'function' ? apiKey : () => apiKey || undefined;
    this.requestTimeoutMs = options.requestTimeoutMs ?? CLI_DEFAULTS.requestTimeoutMs;
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ?? new Agent({ keepAliveTimeout: 1_000, connect: { timeout: 5_000 } });
  }

  /** The gateway's health; `unavailable` (503: no engine RUNNING) is an answer, not an error. */
  health(): Promise<HealthWire> {
    return this.call<HealthWire>(this.urls.health, {
      timeoutMs: CLI_DEFAULTS.healthTimeoutMs,
      acceptStatuses: [HEALTH_HTTP_STATUS.unavailable],
    });
  }

  listEngines(): Promise<EngineListWire> {
    return this.management<EngineListWire>('/engines');
  }

  getEngine(engineId: string): Promise<EngineInfoWire> {
    return this.management<EngineInfoWire>(`/engines/${encodeURIComponent(engineId)}`);
  }

  startEngine(body: EngineStartRequestWire, options: { wait?: boolean } = {}): Promise<EngineInfoWire> {
    return this.management<EngineInfoWire>('/engines', {
      method: 'POST',
      body,
      query: { wait: options.wait ? true : undefined },
      timeoutMs: options.wait ? 0 : this.requestTimeoutMs,
    });
  }

  stopEngine(engineId: string, options: { drain: boolean }): Promise<unknown> {
    return this.management(`/engines/${encodeURIComponent(engineId)}`, {
      method: 'DELETE',
      query: { drain: options.drain },
      timeoutMs: 0,
    });
  }

  restartEngine(engineId: string): Promise<unknown> {
    return this.management(`/engines/${encodeURIComponent(engineId)}/restart`, {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  engineLogs(engineId: string, options: { tail: number }): Promise<EngineLogsWire> {
    return this.management<EngineLogsWire>(`/engines/${encodeURIComponent(engineId)}/logs`, {
      query: { tail: options.tail },
    });
  }

  async *followEngineLogs(
    engineId: string,
    options: { tail: number; signal?: AbortSignal },
  ): AsyncGenerator<string> {
    const url = this.url(`${this.urls.management}/engines/${encodeURIComponent(engineId)}/logs`, {
      tail: options.tail,
      follow: true,
    });
    const response = await this.send(url, { timeoutMs: 0, signal: options.signal });
    if (response.statusCode >= 400) throw toApiError(response.statusCode, await response.body.text());
    try {
      for await (const data of sseData(response.body)) yield logLineOf(data);
    } catch (error) {
      if (options.signal?.aborted) return;
      throw error;
    }
  }

  pruneEngines(): Promise<PruneWire> {
    return this.management<PruneWire>('/engines/prune', { method: 'POST' });
  }

  status(): Promise<ClusterStatusWire> {
    return this.management<ClusterStatusWire>('/status');
  }

  gpus(): Promise<GpuListWire> {
    return this.management<GpuListWire>('/gpu');
  }

  applyPreset(body: PresetApplyRequestWire): Promise<PresetApplyWire> {
    return this.management<PresetApplyWire>('/presets/apply', { method: 'POST', body, timeoutMs: 0 });
  }

  listCatalog(): Promise<CatalogListWire> {
    return this.management<CatalogListWire>('/catalog');
  }

  loadModel(name: string): Promise<CatalogModelStatusWire> {
    return this.management<CatalogModelStatusWire>(`/catalog/${encodeURIComponent(name)}/load`, {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  unloadModel(name: string): Promise<CatalogModelStatusWire> {
    return this.management<CatalogModelStatusWire>(`/catalog/${encodeURIComponent(name)}/unload`, {
      method: 'POST',
      timeoutMs: 0,
    });
  }

  async *pullModel(
    body: ModelPullRequestWire,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<ModelPullEventWire> {
    // No timeout: the hub may take a while to list files, and a download as long as it needs.
    const response = await this.send(this.url(`${this.urls.management}/models/pull`), {
      method: 'POST',
      body,
      timeoutMs: 0,
      signal: options.signal,
    });
    if (response.statusCode >= 400) throw toApiError(response.statusCode, await response.body.text());
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
    return this.management<CachedModelListWire>('/models/cache');
  }

  removeCachedModel(id: string): Promise<{ removed: CachedModelWire }> {
    return this.management<{ removed: CachedModelWire }>(`/models/cache/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private management<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>(`${this.urls.management}${path}`, options);
  }

  private async call<T>(target: string, options: CallOptions = {}): Promise<T> {
    const response = await this.send(this.url(target, options.query), options);
    const text = await response.body.text();
    if (response.statusCode >= 400 && !options.acceptStatuses?.includes(response.statusCode)) {
      throw toApiError(response.statusCode, text);
    }
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ManagementApiError({
        status: response.statusCode,
        message: `the gateway at ${this.apiBase} answered with something that is not JSON`,
      });
    }
  }

  private url(target: string, query: CallOptions['query'] = {}): string {
    const url = new URL(target);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async send(url: string, options: CallOptions): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const apiKey = this.apiKey();
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    try {
      return await request(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: this.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      const code = codeOf(error) ?? codeOf((error as { cause?: unknown } | null)?.cause);
      if (code !== undefined && UNREACHABLE_CODES.has(code)) {
        throw new GatewayUnreachableError(this.apiBase, { cause: error });
      }
      if (code !== undefined && TIMEOUT_CODES.has(code)) {
        throw new CliExitError(
          EXIT_CODES.failed,
          `the gateway at ${this.apiBase} did not answer within ${timeoutMs} ms`,
          { cause: error },
        );
      }
      if (code === 'ECONNRESET' || code === 'UND_ERR_CLOSED') {
        throw new CliExitError(EXIT_CODES.failed, `the gateway at ${this.apiBase} closed the connection`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

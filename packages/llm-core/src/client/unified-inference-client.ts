import {
  type CachedModel,
  type CachedModelWire,
  type ChatCompletion,
  type ChatCompletionChunk,
  type Completion,
  type DownloadProgress,
  type EmbeddingResponse,
  fromWire,
  type ModelEntry,
  type ModelList,
  type ModelPullEventWire,
} from '@sage/protocol';
import type { CallOptions, HttpTransport } from '../http/http-transport.js';
import type {
  ChatInput,
  ChatOptions,
  ClientMode,
  ControlPlaneStatus,
  EmbedOptions,
  EmbedResult,
  GenerateOptions,
  PullModelOptions,
  RequestOptions,
  StreamOptions,
  UnifiedInferenceClientOptions,
} from './client-options.js';
import {
  type ClientParts,
  createClientParts,
  defaultCreateDependencies,
  readStatus,
} from './create-client.js';
import { toEmbedResult } from './embedding-result.js';
import { chatBody, completionBody, embeddingBody } from './request-body.js';
import { checkTimeout } from './validate-options.js';

/** Only `create()` holds this token, so `new UnifiedInferenceClient()` fails at run time too. */
const constructionToken: unique symbol = Symbol('UnifiedInferenceClient.create');

function callOptions(options: RequestOptions): CallOptions {
  checkTimeout(options.timeoutMs, 'per-call options');
  return {
    priority: options.priority,
    sloDeadlineMs: options.sloDeadlineMs,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    requestId: options.requestId,
  };
}

/**
 * The client of a sageLLM control plane: chat, completions and embeddings through the gateway's
 * scheduler, plus the control plane's status. Obtain one with {@link UnifiedInferenceClient.create}.
 */
export class UnifiedInferenceClient {
  /** `remote` (a running control plane) or `embedded` (one started by this client). */
  readonly mode: ClientMode;
  /** Base URL of the OpenAI routes (`http://host:port/v1`). */
  readonly baseUrl: string;
  readonly #transport: HttpTransport;
  readonly #parts: ClientParts;
  #closing: Promise<void> | undefined;

  private constructor(token: typeof constructionToken, parts: ClientParts) {
    if (token !== constructionToken) {
      throw new TypeError(
        'UnifiedInferenceClient has no public constructor: use `await UnifiedInferenceClient.create(options)`',
      );
    }
    this.mode = parts.mode;
    this.baseUrl = parts.transport.baseUrl;
    this.#transport = parts.transport;
    this.#parts = parts;
  }

  /**
   * The only way to obtain a client. With `controlPlaneUrl`, a client of that running control
   * plane; with `embedded: true`, a control plane (gateway, manager, engines from `preset`)
   * started inside this process; with neither, `SAGE_CONTROL_PLANE_URL` or
   * `http://127.0.0.1:8889/v1`. Both together throw a `TypeError`. A control plane that does not
   * answer gives a `SageConnectionError` that says how to start one.
   *
   * @example
   * ```ts
   * const client = await UnifiedInferenceClient.create({ embedded: true });
   * const answer = await client.chat([{ role: 'user', content: 'Hello!' }], { maxTokens: 16 });
   * console.log(answer.choices[0]?.message.content);
   * await client.close();
   * ```
   */
  static async create(options: UnifiedInferenceClientOptions = {}): Promise<UnifiedInferenceClient> {
    const parts = await createClientParts(options, defaultCreateDependencies());
    return new UnifiedInferenceClient(constructionToken, parts);
  }

  /** A chat completion. `messages` may be one string (a single user message). */
  chat(messages: ChatInput, options: ChatOptions = {}): Promise<ChatCompletion> {
    const body = chatBody(messages, options, this.#parts.defaultLlmModel, false);
    return this.#transport.json<ChatCompletion>('POST', '/chat/completions', body, callOptions(options));
  }

  /**
   * A streamed chat completion. Leaving the `for await` loop early (or aborting `signal`)
   * aborts the HTTP request, and the engine stops generating.
   */
  async *chatStream(
    messages: ChatInput,
    options: ChatOptions & StreamOptions = {},
  ): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = chatBody(messages, options, this.#parts.defaultLlmModel, true);
    yield* this.#transport.events('/chat/completions', body, callOptions(options)) as AsyncGenerator<
      ChatCompletionChunk,
      void,
      undefined
    >;
  }

  /** A text completion of `prompt`. */
  generate(prompt: string | string[], options: GenerateOptions = {}): Promise<Completion> {
    const body = completionBody(prompt, options, this.#parts.defaultLlmModel, false);
    return this.#transport.json<Completion>('POST', '/completions', body, callOptions(options));
  }

  /** A streamed text completion; cancel it like {@link chatStream}. */
  async *generateStream(
    prompt: string | string[],
    options: GenerateOptions & StreamOptions = {},
  ): AsyncGenerator<Completion, void, undefined> {
    const body = completionBody(prompt, options, this.#parts.defaultLlmModel, true);
    yield* this.#transport.events('/completions', body, callOptions(options)) as AsyncGenerator<
      Completion,
      void,
      undefined
    >;
  }

  /** Embeddings of one text or many, in input order. */
  async embed(texts: string | string[], options: EmbedOptions = {}): Promise<EmbedResult> {
    const body = embeddingBody(texts, options, this.#parts.defaultEmbeddingModel);
    const response = await this.#transport.json<EmbeddingResponse>(
      'POST',
      '/embeddings',
      body,
      callOptions(options),
    );
    return toEmbedResult(response);
  }

  /** The models the control plane serves (`GET /v1/models`), each with its `kind`. */
  async models(options: RequestOptions = {}): Promise<ModelEntry[]> {
    const list = await this.#transport.json<ModelList>('GET', '/models', undefined, callOptions(options));
    return list.data;
  }

  /**
   * Pull a model file into the control plane's model cache (`hf:owner/repo/file.gguf`,
   * `hf:owner/repo:Q4_K_M`, `owner/repo` with `quant`, or an `https://` URL), reporting progress;
   * resolves with the cache entry once its SHA-256 is checked. Works the same embedded.
   *
   * @example
   * const model = await client.pullModel('hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', {
   *   onProgress: (p) => console.log(p.downloadedBytes, p.totalBytes),
   * });
   */
  async pullModel(ref: string, options: PullModelOptions = {}): Promise<CachedModel> {
    const { quant, revision, sha256, onProgress, ...call } = options;
    const body = { ref, quant, revision, sha256 };
    for await (const raw of this.#transport.events('/management/models/pull', body, callOptions(call))) {
      const event = raw as ModelPullEventWire;
      if (event.type === 'progress') {
        const { type: _type, ...progress } = event;
        onProgress?.(fromWire<DownloadProgress>(progress));
      }
      if (event.type === 'done') return fromWire<CachedModel>(event.model);
    }
    throw new Error(`the control plane ended the pull of ${ref} without a result`);
  }

  /** The control plane's model cache, most recently used first. */
  async listCachedModels(options: RequestOptions = {}): Promise<CachedModel[]> {
    const body = await this.#transport.json<{ models: CachedModelWire[] }>(
      'GET',
      '/management/models/cache',
      undefined,
      callOptions(options),
    );
    return body.models.map((model) => fromWire<CachedModel>(model));
  }

  /** Delete a cached model file by its cache id; resolves with what was removed. */
  async removeCachedModel(id: string, options: RequestOptions = {}): Promise<CachedModel> {
    const body = await this.#transport.json<{ removed: CachedModelWire }>(
      'DELETE',
      `/management/models/cache/${encodeURIComponent(id)}`,
      undefined,
      callOptions(options),
    );
    return fromWire<CachedModel>(body.removed);
  }

  /** Engines, GPUs, scheduling policy and queue of the control plane, in camelCase. */
  status(options: RequestOptions = {}): Promise<ControlPlaneStatus> {
    return readStatus(this.#transport, callOptions(options));
  }

  /**
   * Release the client: aborts requests in flight, closes pooled connections and, in embedded
   * mode, stops the gateway and every engine it started. Safe to call twice.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#transport.close();
      } finally {
        await this.#parts.embedded?.close();
      }
    })();
    return this.#closing;
  }
}

import type { ChatMessage, DownloadProgress, EngineInfo, GpuStatus, Priority } from '@sage/protocol';
import type { Logger } from 'pino';

/** Options of {@link UnifiedInferenceClient.create}. Every field is optional. */
export interface UnifiedInferenceClientOptions {
  /**
   * Base URL of a running control plane (`http://host:8889/v1`). Excludes `embedded: true`.
   * Unset (and not embedded): `SAGE_CONTROL_PLANE_URL`, else `http://127.0.0.1:8889/v1`.
   */
  controlPlaneUrl?: string;
  /** Start a control plane (manager + gateway + engines) inside this process. Default false. */
  embedded?: boolean;
  /** Model for `chat`/`generate` when a call names none; unset → the gateway's default LLM. */
  defaultLlmModel?: string;
  /** Model for `embed` when a call names none; unset → the gateway's default embedding model. */
  defaultEmbeddingModel?: string;
  /**
   * Scheduling policy: a registered name (docs/scheduling-policies.md; an unknown one is a 400 listing them). Embedded:
   * the control plane's policy (unset: `SAGE_SCHEDULING_POLICY`, else `adaptive`). Remote: sent as
   * `X-Scheduling-Policy` on each request when set; unset, the remote gateway's own policy applies
   * (itself `adaptive` unless its operator chose another).
   */
  schedulingPolicy?: string;
  /** Per-request timeout in ms (for streams: the longest wait for the next event). Default 60000. */
  timeoutMs?: number;
  /** Embedded only: preset name, preset file path or preset object. Default: the built-in `local` preset. */
  preset?: string | Record<string, unknown>;
  /**
   * Sent as `Authorization: Bearer <key>`. Default: `SAGE_API_KEY`; embedded, else the first key
   * of `SAGE_API_KEYS` (the keys an embedded gateway accepts).
   */
  apiKey?: string;
  /** Embedded only: state directory (engine logs, registry, locks). Default: `SAGE_HOME`, else `~/.sage`. */
  stateDir?: string;
  /** Embedded only: pino logger of the gateway and its manager. Default: pino at `SAGE_LOG_LEVEL`, else `warn`. */
  logger?: Logger;
}

/** Per-call settings shared by every method. */
export interface RequestOptions {
  /** Queue priority (`X-Request-Priority`). Default: the gateway's (`normal`). */
  priority?: Priority;
  /** Deadline for the `slo_aware` policy, in ms from now (`X-SLO-Deadline-Ms`). */
  sloDeadlineMs?: number;
  /** Abort the call (and the HTTP request). The promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** `X-Request-ID` to send; default a fresh UUID. Error objects carry it. */
  requestId?: string;
}

/** Options of `client.pullModel()` (docs/models.md). */
export interface PullModelOptions extends Omit<RequestOptions, 'priority' | 'sloDeadlineMs'> {
  /** Quantisation to choose among the repository's `.gguf` files, e.g. `Q4_K_M`. */
  quant?: string;
  /** Branch, tag or commit (default `main`). */
  revision?: string;
  /** Expected SHA-256 for a URL whose server publishes none. */
  sha256?: string;
  /** Called as bytes arrive: size, rate and ETA. */
  onProgress?: (progress: DownloadProgress) => void;
}

/** Sampling fields, sent to the engine unchanged (camelCase keys become OpenAI's snake_case). */
export interface SamplingOptions {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string | string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  user?: string;
  /** Any other OpenAI/engine field, merged into the JSON body as given (snake_case). */
  extraBody?: Record<string, unknown>;
}

export interface ChatOptions extends RequestOptions, SamplingOptions {
  /** Overrides `defaultLlmModel` for this call. */
  model?: string;
  maxCompletionTokens?: number;
}

export interface GenerateOptions extends RequestOptions, SamplingOptions {
  /** Overrides `defaultLlmModel` for this call. */
  model?: string;
}

export interface StreamOptions {
  /** Ask for a final chunk carrying token usage (`stream_options.include_usage`). */
  includeUsage?: boolean;
}

export interface EmbedOptions extends RequestOptions {
  /** Overrides `defaultEmbeddingModel` for this call. */
  model?: string;
  dimensions?: number;
  user?: string;
  /** Any other field, merged into the JSON body as given. */
  extraBody?: Record<string, unknown>;
}

/** What `embed()` returns: one vector per input text, in input order. */
export interface EmbedResult {
  embeddings: number[][];
  usage: { promptTokens: number; totalTokens: number };
  model: string;
}

/** `chat()` accepts messages, or one string as a single user message. */
export type ChatInput = string | ChatMessage[];

/** Control-plane status (`GET /v1/management/status`), camelCase. */
export interface ControlPlaneStatus {
  engines: EngineInfo[];
  gpus: GpuStatus[];
  schedulingPolicy?: string;
  queue?: { depth: number; capacity: number };
  engineCounts: Record<string, number>;
}

/** How a client reaches its control plane. */
export type ClientMode = 'remote' | 'embedded';

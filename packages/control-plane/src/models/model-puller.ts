import { rename } from 'node:fs/promises';
import type { CachedModel, DownloadProgress } from '@sage/protocol';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { asStateDirectoryError, ModelPullError } from '../errors.js';
import { downloadFile } from './http-download.js';
import { chooseGgufFile, type HubSettings, hubFileUrl, hubSettings, listHubFiles } from './hub.js';
import { ModelCache } from './model-cache.js';
import { formatModelRef, type ModelRef, parseModelRef } from './model-ref.js';

/** What to pull. */
export interface ModelPullRequest {
  /** `hf:owner/repo/file.gguf`, `hf:owner/repo:QUANT`, `owner/repo` (with `quant`) or an `https://` URL. */
  ref: string;
  quant?: string | undefined;
  revision?: string | undefined;
  /** Expected SHA-256 for a URL whose server publishes none. */
  sha256?: string | undefined;
}

/** What a pull reports while it runs (camelCase form of `ModelPullEventWire`). */
export type ModelPullEvent =
  | {
      type: 'resolved';
      ref: string;
      url: string;
      fileName: string;
      totalBytes: number | null;
      cached: boolean;
    }
  | ({ type: 'progress' } & DownloadProgress)
  | { type: 'verifying'; ref: string }
  | { type: 'done'; model: CachedModel };

/** Options of {@link ModelPuller}. */
export interface ModelPullerOptions {
  /** The cache folder, usually `<state dir>/models/cache`. */
  cacheDir: string;
  /** Read for `HF_ENDPOINT`, `HF_TOKEN` and proxy variables. Default `process.env`. */
  env?: NodeJS.ProcessEnv | undefined;
  /** A configured mirror (`models.hub_endpoint`); wins over `HF_ENDPOINT`. */
  hubEndpoint?: string | undefined;
  /** Attempts per download (default 5); each resumes where the last one stopped. */
  maxAttempts?: number | undefined;
  /** Delay before the first retry, doubled after (default 1000 ms). */
  retryDelayMs?: number | undefined;
  /** Least time between progress events (default 250 ms). */
  progressIntervalMs?: number | undefined;
  /** Free bytes where the cache lives (injected in tests). */
  freeBytes?: ((path: string) => Promise<number | undefined>) | undefined;
  logger?: Logger | undefined;
  now?: () => number;
}

/** Where a reference's bytes come from, once resolved. */
interface ResolvedSource {
  /** The canonical reference of the file (`hf:o/r/file.gguf#rev` or the URL): its cache key. */
  ref: string;
  url: string;
  fileName: string;
  sha256: string | undefined;
  size: number | undefined;
}

interface Listener {
  onEvent?: ((event: ModelPullEvent) => void) | undefined;
}

/** One download in progress and the callers waiting for it. */
interface Flight {
  promise: Promise<CachedModel>;
  listeners: Set<Listener>;
  controller: AbortController;
}

/**
 * Pulls model files into the {@link ModelCache}: resolves a reference (a quantisation is chosen
 * from the hub's file list), downloads with resume and retries, checks the SHA-256 the hub
 * publishes, moves the file into place atomically and records it. Concurrent pulls of the same
 * reference share one download.
 *
 * @example
 * const puller = new ModelPuller({ cacheDir: '/var/lib/sage/models/cache' });
 * const model = await puller.pull({ ref: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M' }, {
 *   onEvent: (event) => console.log(event.type),
 * });
 * model.path; // …/blobs/sha256-<hex>.gguf
 */
export class ModelPuller {
  readonly cache: ModelCache;
  private readonly options: ModelPullerOptions;
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Flight>();

  constructor(options: ModelPullerOptions) {
    this.options = options;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.cache = new ModelCache({
      root: options.cacheDir,
      logger: this.logger,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The hub as this puller reaches it (read at each pull, so `HF_TOKEN` set later counts). */
  hub(): HubSettings {
    return hubSettings(this.options.env ?? process.env, this.options.hubEndpoint);
  }

  /** The cached file a model id names (no network), or undefined. */
  async findCached(request: ModelPullRequest): Promise<CachedModel | undefined> {
    const ref = parseModelRef(request.ref, request);
    return this.cache.find(formatModelRef(ref));
  }

  /**
   * Pull a model (or find it cached). Events report resolution, progress and the result;
   * `signal` cancels this caller's wait, and the download itself once no caller waits.
   */
  async pull(
    request: ModelPullRequest,
    options: {
      signal?: AbortSignal | undefined;
      onEvent?: ((event: ModelPullEvent) => void) | undefined;
    } = {},
  ): Promise<CachedModel> {
    const ref = parseModelRef(request.ref, request);
    const key = formatModelRef(ref);
    const cached = await this.cache.find(key);
    if (cached) return fromCache(cached, (event) => options.onEvent?.(event));
    const listener: Listener = { onEvent: options.onEvent };
    let flight = this.inFlight.get(key);
    if (!flight) {
      const controller = new AbortController();
      const listeners = new Set<Listener>();
      const emit = (event: ModelPullEvent) => {
        for (const each of listeners) each.onEvent?.(event);
      };
      const promise = this.download(ref, key, request.sha256, controller.signal, emit).finally(() =>
        this.inFlight.delete(key),
      );
      flight = { promise, listeners, controller };
      this.inFlight.set(key, flight);
    }
    const current = flight;
    current.listeners.add(listener);
    const abort = () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) current.controller.abort();
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      return await waitOrAbort(current.promise, options.signal, key);
    } finally {
      options.signal?.removeEventListener('abort', abort);
      current.listeners.delete(listener);
    }
  }

  private async download(
    ref: ModelRef,
    key: string,
    sha256: string | undefined,
    signal: AbortSignal,
    emit: (event: ModelPullEvent) => void,
  ): Promise<CachedModel> {
    const hub = this.hub();
    const source = await this.resolve(ref, key, hub, signal);
    if (source.ref !== key) {
      // A quantisation reference that names a file already cached under its own reference.
      const cached = await this.cache.find(source.ref);
      if (cached) {
        await this.cache.addAlias(cached.id, key);
        return fromCache(cached, emit);
      }
    }
    await this.cache.prepare();
    const partialPath = this.cache.partialPath(source.ref);
    const started = Date.now();
    this.logger.info({ ref: key, url: source.url }, 'model-pull-started');
    const result = await downloadFile({
      ref: key,
      url: source.url,
      partialPath,
      token: hub.token,
      tokenHost: new URL(hub.endpoint).host,
      expectedSha256: sha256 ?? source.sha256,
      expectedSize: source.size,
      dispatcher: hub.dispatcher,
      signal,
      maxAttempts: this.options.maxAttempts ?? 5,
      retryDelayMs: this.options.retryDelayMs ?? 1000,
      progressIntervalMs: this.options.progressIntervalMs ?? 250,
      freeBytes: this.options.freeBytes,
      onResolved: ({ totalBytes }) =>
        emit({
          type: 'resolved',
          ref: source.ref,
          url: source.url,
          fileName: source.fileName,
          totalBytes,
          cached: false,
        }),
      onProgress: (progress) => emit({ type: 'progress', ...progress }),
      onVerifying: () => emit({ type: 'verifying', ref: source.ref }),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    const target = this.cache.blobPath(result.sha256, source.fileName);
    await rename(partialPath, target).catch((error: unknown) => {
      throw asStateDirectoryError(error, target, 'the model file was not moved into the cache');
    });
    const model = await this.cache.add({
      ref: source.ref,
      aliases: source.ref === key ? [] : [key],
      sourceUrl: source.url,
      fileName: source.fileName,
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
      verified: result.verified,
    });
    this.logger.info(
      { ref: key, id: model.id, bytes: model.sizeBytes, verified: model.verified, ms: Date.now() - started },
      'model-pull-done',
    );
    emit({ type: 'done', model });
    return model;
  }

  private async resolve(
    ref: ModelRef,
    key: string,
    hub: HubSettings,
    signal: AbortSignal,
  ): Promise<ResolvedSource> {
    if (ref.kind === 'url') {
      const fileName = decodeURIComponent(new URL(ref.url).pathname.split('/').pop() ?? '') || 'model';
      return { ref: key, url: ref.url, fileName, sha256: undefined, size: undefined };
    }
    if (ref.file !== undefined) {
      return {
        ref: key,
        url: hubFileUrl(hub.endpoint, ref.repo, ref.revision, ref.file),
        fileName: ref.file.split('/').pop() as string,
        sha256: undefined,
        size: undefined,
      };
    }
    const files = await listHubFiles(hub, ref.repo, ref.revision, key, signal);
    const file = chooseGgufFile(files, ref.quant, ref.repo, key);
    const fileRef = formatModelRef({ kind: 'hf', repo: ref.repo, file: file.path, revision: ref.revision });
    return {
      ref: fileRef,
      url: hubFileUrl(hub.endpoint, ref.repo, ref.revision, file.path),
      fileName: file.path.split('/').pop() as string,
      sha256: file.sha256,
      size: file.size > 0 ? file.size : undefined,
    };
  }
}

function waitOrAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, ref: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ModelPullError('aborted', ref, 'the pull was cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A pull the cache answers: its `resolved` (cached) and `done` events, then the cached model. */
function fromCache(cached: CachedModel, emit: (event: ModelPullEvent) => void): CachedModel {
  emit({
    type: 'resolved',
    ref: cached.ref,
    url: cached.sourceUrl,
    fileName: cached.fileName,
    totalBytes: cached.sizeBytes,
    cached: true,
  });
  emit({ type: 'done', model: cached });
  return cached;
}

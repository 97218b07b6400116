import type { ServerResponse } from 'node:http';
import { type ControlPlaneManager, EngineUnavailableError, type Lease } from '@sage/control-plane';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { describeError } from '../errors/error-table.js';
import { ClientDisconnectedError, EngineUnreachableError } from '../errors/gateway-errors.js';
import type { SchedulingHints } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { withRequestIdHeader } from '../middleware/request-id.js';
import type { ClientLink } from '../request/client-connection.js';
import type { EngineHealthReporter } from './engine-health-reporter.js';
import type { EnginePools } from './engine-pools.js';
import { holdStreamFor, type StreamOutcome, StreamRelay } from './stream-passthrough.js';
import {
  failureReason,
  headerValue,
  isEventStream,
  passthroughHeaders,
  type UpstreamFailure,
} from './upstream-response.js';

/** An OpenAI inference route: the gateway path is also the engine path. */
export interface InferenceRoute {
  path: '/v1/chat/completions' | '/v1/completions' | '/v1/embeddings';
  kind: 'llm' | 'embedding';
}

/** One inference request, parsed and validated by its route. */
export interface InferenceRequest {
  route: InferenceRoute;
  requestId: string;
  /** Unique among queued requests (the scheduler matches decisions by it). */
  schedulingId: string;
  /** `performance.now()` at arrival. */
  startedAt: number;
  /** The body as received: forwarded as is unless the model name must change. */
  body: Uint8Array;
  /** The parsed body. */
  json: Record<string, unknown>;
  /** The `model` field; undefined → the default model of the kind. */
  model: string | undefined;
  hints: SchedulingHints;
  estimatedTokens: number | undefined;
  /** The client: aborts when it disconnects. */
  client: ClientLink;
  /** The Node HTTP/1 response, when there is one: a streamed answer may be piped straight into it. */
  outgoing?: ServerResponse | undefined;
}

/** What {@link InferenceForwarder} needs. */
export interface InferenceForwarderOptions {
  manager: ControlPlaneManager;
  pools: EnginePools;
  health: EngineHealthReporter;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Engines tried per request: the first try plus failovers. */
  maxAttempts: number;
}

interface Progress {
  tried: string[];
  /** The pid each tried engine had when it failed: a restarted engine is a new chance. */
  triedPids: Map<string, number | null>;
  queueMs: number;
  /** Time spent waiting on engines in attempts that failed. */
  failedEngineMs: number;
  lastFailure: UpstreamFailure | undefined;
  model: string;
}

const encoder = new TextEncoder();

/** How long a request whose every engine died waits for the manager to notice before giving up. */
const STATE_CHANGE_WAIT_MS = 2_000;

/** An engine's answer as the client's response, with the request id among its headers. */
function answer(
  request: InferenceRequest,
  body: Uint8Array,
  status: number,
  engineId: string,
  contentType: string | undefined,
): Response {
  return withRequestIdHeader(
    new Response(body, {
      status,
      headers: passthroughHeaders(engineId, status, contentType, request.requestId),
    }),
  );
}

function isExhausted(error: unknown): boolean {
  return EngineUnavailableError.isInstance(error) && error.reason === 'engines-excluded';
}

/**
 * Forwards inference requests: scheduler lease → engine pool → response, with failover. An engine
 * that refuses or resets the connection, or answers 502/503, before any byte reached the client
 * is excluded and the request goes back to the scheduler (at most `maxAttempts` engines); after
 * the first byte there is no retry. Every lease is released exactly once: when the answer is
 * complete, when the stream ends, or when the client disconnects (which aborts the upstream
 * request).
 */
export class InferenceForwarder {
  readonly #options: InferenceForwarderOptions;

  constructor(options: InferenceForwarderOptions) {
    if (!(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
      throw new TypeError(`maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    }
    this.#options = options;
  }

  /** Answer `request` from an engine, or throw an error for the error table. */
  async forward(request: InferenceRequest): Promise<Response> {
    const progress: Progress = {
      tried: [],
      triedPids: new Map(),
      queueMs: 0,
      failedEngineMs: 0,
      lastFailure: undefined,
      model: '',
    };
    this.#options.metrics.inFlight.inc();
    let streaming = false;
    try {
      for (let attempt = 1; attempt <= this.#options.maxAttempts; attempt += 1) {
        const lease = await this.#acquire(request, progress, attempt);
        if (!lease) break;
        const response = await this.#attempt(request, progress, lease, attempt === this.#options.maxAttempts);
        if (response) {
          streaming = response.streaming;
          return response.response;
        }
      }
      return this.#giveUp(request, progress);
    } catch (error) {
      const failure = request.client.aborted ? new ClientDisconnectedError(error) : error;
      this.#finish(request, progress, '', describeError(failure).mapping.status, 'rejected');
      throw failure;
    } finally {
      if (!streaming) this.#options.metrics.inFlight.dec();
    }
  }

  async #acquire(request: InferenceRequest, progress: Progress, attempt: number): Promise<Lease | undefined> {
    const { hints } = request;
    const waitStarted = performance.now();
    const elapsed = waitStarted - request.startedAt;
    const acquire = (retry: string) =>
      this.#options.manager.scheduler.acquire(
        {
          requestId: attempt === 1 ? request.schedulingId : `${request.schedulingId}~${attempt}${retry}`,
          model: request.model,
          kind: request.route.kind,
          priority: hints.priority,
          deadlineMs: hints.deadlineMs === undefined ? undefined : Math.max(1, hints.deadlineMs - elapsed),
          policy: hints.policy,
          estimatedTokens: request.estimatedTokens,
          excludeEngineIds: this.#stillFailing(progress),
        },
        request.client.signal,
      );
    try {
      let lease: Lease;
      try {
        lease = await acquire('');
      } catch (error) {
        // Every engine of the model failed us. When the failure was the connection (the engine
        // died), its restart is usually already under way: give the manager a moment to notice,
        // then queue for the restarted engine instead of failing the request.
        if (!isExhausted(error) || progress.lastFailure?.type !== 'connection') throw error;
        await this.#waitForStateChange(progress, request.client.signal);
        lease = await acquire('r');
      }
      progress.queueMs += performance.now() - waitStarted;
      progress.model = lease.engine.modelId;
      this.#options.metrics.queueWait.observe(
        { route: request.route.path },
        (performance.now() - waitStarted) / 1000,
      );
      return lease;
    } catch (error) {
      progress.queueMs += performance.now() - waitStarted;
      if (progress.lastFailure && isExhausted(error)) return undefined;
      throw error;
    }
  }

  /**
   * Tried engines still running the process that failed us: the ones to avoid. An engine whose
   * process has exited (pid cleared) or been replaced by a restart is a new chance.
   */
  #stillFailing(progress: Progress): string[] {
    return progress.tried.filter((engineId) => {
      const pid = this.#options.manager.registry.find(engineId)?.pid ?? null;
      return pid === null ? false : pid === progress.triedPids.get(engineId);
    });
  }

  /**
   * Resolves once a tried engine's failed process is gone (the manager noticed the exit and a
   * restart is under way), after a short bound, or on client abort.
   */
  #waitForStateChange(progress: Progress, signal: AbortSignal): Promise<void> {
    const { manager } = this.#options;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        manager.off('engine-state-change', onChange);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const onChange = (change: { engineId: string }) => {
        if (
          progress.tried.includes(change.engineId) &&
          this.#stillFailing(progress).length < progress.tried.length
        )
          done();
      };
      const timer = setTimeout(done, STATE_CHANGE_WAIT_MS);
      manager.on('engine-state-change', onChange);
      signal.addEventListener('abort', done, { once: true });
      if (this.#stillFailing(progress).length < progress.tried.length) done();
    });
  }

  /** One engine. Returns the response to send, or undefined to fail over. */
  async #attempt(
    request: InferenceRequest,
    progress: Progress,
    lease: Lease,
    last: boolean,
  ): Promise<{ response: Response; streaming: boolean } | undefined> {
    const { manager, pools, health } = this.#options;
    const engineId = lease.engine.engineId;
    const record = manager.registry.find(engineId);
    if (!record || record.port === 0) {
      lease.release({ ok: false });
      progress.tried.push(engineId);
      progress.triedPids.set(engineId, record?.pid ?? null);
      return undefined;
    }
    const { client } = request;
    const sentAt = performance.now();
    const fail = (failure: UpstreamFailure) => {
      lease.release({ ok: false });
      if (client.aborted) throw new ClientDisconnectedError(client.reason);
      progress.failedEngineMs += performance.now() - sentAt;
      this.#recordFailure(request, progress, failure);
      return undefined;
    };
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await pools.get(engineId, record.host, record.port).request({
        path: request.route.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': request.requestId },
        body: this.#bodyFor(request, lease.engine.modelId),
        // undici aborts the request when the client leaves, and stops listening once the
        // engine's answer is read (or destroyed).
        signal: client.upstreamSignal,
      });
    } catch (error) {
      return fail({ type: 'connection', engineId, error });
    }
    const status = upstream.statusCode;
    const contentType = headerValue(upstream.headers, 'content-type');
    if ((status === 502 || status === 503) && !last) {
      const body = await upstream.body.bytes().catch(() => new Uint8Array(0));
      return fail({ type: 'status', engineId, status, contentType, body });
    }
    if (isEventStream(contentType) && status < 300) {
      return {
        response: this.#stream(request, progress, lease, upstream, sentAt),
        streaming: true,
      };
    }
    let body: Uint8Array;
    try {
      body = await upstream.body.bytes();
    } catch (error) {
      // Nothing reached the client yet, so a body cut short may still fail over.
      return fail({ type: 'connection', engineId, error });
    }
    const engineMs = performance.now() - sentAt;
    lease.release({ ok: status < 500, latencyMs: engineMs });
    if (status >= 500) health.failure(engineId, `status ${status}`);
    else health.success(engineId);
    this.#observeOverhead(request, progress, performance.now() - request.startedAt - engineMs);
    this.#finish(request, progress, engineId, status, 'completed');
    return {
      response: answer(request, body, status, engineId, contentType),
      streaming: false,
    };
  }

  #stream(
    request: InferenceRequest,
    progress: Progress,
    lease: Lease,
    upstream: Dispatcher.ResponseData,
    sentAt: number,
  ): Response {
    const engineId = lease.engine.engineId;
    const { metrics, health } = this.#options;
    const labels = { route: request.route.path, model: lease.engine.modelId, engine_id: engineId };
    const relay = new StreamRelay({
      body: upstream.body,
      onFirstChunk: () => {
        metrics.timeToFirstToken.observe(labels, (performance.now() - request.startedAt) / 1000);
        this.#observeOverhead(request, progress, sentAt - request.startedAt);
      },
      onEnd: (outcome: StreamOutcome, error?: unknown) => {
        const engineMs = performance.now() - sentAt;
        lease.release({ ok: outcome === 'completed', latencyMs: engineMs });
        if (outcome === 'completed') health.success(engineId);
        if (outcome === 'engine-error')
          health.failure(engineId, failureReason({ type: 'connection', engineId, error }));
        metrics.inFlight.dec();
        this.#finish(request, progress, engineId, upstream.statusCode, outcome);
      },
      abortUpstream: (reason) => upstream.body.destroy(reason instanceof Error ? reason : undefined),
      isClientGone: () => request.client.aborted,
      describeFailure: (error) =>
        `engine ${engineId} failed after the stream began (${failureReason({ type: 'connection', engineId, error })}); not retried`,
    });
    const status = upstream.statusCode;
    const headers = passthroughHeaders(
      engineId,
      status,
      headerValue(upstream.headers, 'content-type'),
      request.requestId,
    );
    const response = withRequestIdHeader(new Response(relay.stream, { status, headers }));
    if (request.outgoing) holdStreamFor(request.outgoing, relay, response, status, headers);
    return response;
  }

  /** No engine left or attempts used up: pass the last engine answer through, or 502. */
  #giveUp(request: InferenceRequest, progress: Progress): Response {
    const failure = progress.lastFailure;
    if (failure?.type === 'status') {
      this.#finish(request, progress, failure.engineId, failure.status, 'failed');
      return answer(request, failure.body, failure.status, failure.engineId, failure.contentType);
    }
    throw new EngineUnreachableError(
      progress.tried,
      failure?.type === 'connection' ? failure.error : 'no engine',
    );
  }

  #recordFailure(request: InferenceRequest, progress: Progress, failure: UpstreamFailure): void {
    const reason = failureReason(failure);
    progress.tried.push(failure.engineId);
    progress.triedPids.set(
      failure.engineId,
      this.#options.manager.registry.find(failure.engineId)?.pid ?? null,
    );
    progress.lastFailure = failure;
    this.#options.health.failure(failure.engineId, reason);
    this.#options.metrics.failovers.inc({ route: request.route.path, engine_id: failure.engineId, reason });
    this.#options.logger.warn(
      { requestId: request.requestId, engineId: failure.engineId, reason, attempt: progress.tried.length },
      'engine-attempt-failed',
    );
  }

  /** The body for an engine: the original bytes, or — for a label or default model — with the engine's model id. */
  #bodyFor(request: InferenceRequest, modelId: string): Uint8Array {
    if (request.model === modelId) return request.body;
    return encoder.encode(JSON.stringify({ ...request.json, model: modelId }));
  }

  #observeOverhead(request: InferenceRequest, progress: Progress, outsideEngineMs: number): void {
    const overheadMs = outsideEngineMs - progress.queueMs - progress.failedEngineMs;
    this.#options.metrics.overhead.observe({ route: request.route.path }, Math.max(0, overheadMs) / 1000);
  }

  #finish(
    request: InferenceRequest,
    progress: Progress,
    engineId: string,
    status: number,
    outcome: string,
  ): void {
    const durationMs = performance.now() - request.startedAt;
    const route = request.route.path;
    this.#options.metrics.observeInference({
      route,
      model: progress.model,
      engineId,
      status,
      durationSeconds: durationMs / 1000,
    });
    // A request answered normally is routine (debug); anything else stays visible at info.
    const level = outcome === 'completed' && status < 400 ? 'debug' : 'info';
    const { logger } = this.#options;
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        requestId: request.requestId,
        route,
        model: progress.model,
        engineId,
        status,
        outcome,
        attempts: progress.tried.length + (engineId === '' ? 0 : 1),
        durationMs: Math.round(durationMs * 100) / 100,
      },
      'request-completed',
    );
  }
}

import { type ControlPlane, EngineUnavailableError, type Lease } from '@sage/control-plane';
import { HEADERS } from '@sage/protocol';
import type { Logger } from 'pino';
import { describeError } from '../errors/error-table.js';
import { ClientDisconnectedError, EngineUnreachableError } from '../errors/gateway-errors.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { errorLabelsFromBody, StreamMeter, usageFromBody } from '../metrics/token-usage.js';
import { withRequestIdHeader } from '../middleware/request-id.js';
import type { EngineHealthReporter } from './engine-health-reporter.js';
import type { EnginePools } from './engine-pools.js';
import {
  afterFailure,
  decideGiveUp,
  decideOnNoEngine,
  type FailoverState,
  initialFailoverState,
  stillFailing,
} from './failover-decision.js';
import { ForwardObserver } from './forward-observer.js';
import type { InferenceRequest } from './inference-request.js';
import { passthroughStream, type StreamOutcome } from './stream-passthrough.js';
import { type AttemptOutcome, attemptUpstream } from './upstream-attempt.js';
import {
  failureReason,
  headerValue,
  passthroughHeaders,
  scheduleHeaderValue,
  type UpstreamFailure,
} from './upstream-response.js';

/** What {@link InferenceForwarder} needs. */
export interface InferenceForwarderOptions {
  manager: ControlPlane;
  pools: EnginePools;
  health: EngineHealthReporter;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Engines tried per request: the first try plus failovers. */
  maxAttempts: number;
}

/** One request's way through the forwarder. */
interface Run {
  failover: FailoverState;
  queueMs: number;
  /** Time spent waiting on engines in attempts that failed. */
  failedEngineMs: number;
  /** The model of the last lease. */
  model: string;
}

/** How long a request whose every engine died waits for the manager to notice before giving up. */
const STATE_CHANGE_WAIT_MS = 2_000;

/** An engine's answer as the client's response, with the request id among its headers. */
function answer(
  request: InferenceRequest,
  body: Uint8Array,
  status: number,
  engineId: string,
  contentType: string | undefined,
  lease?: Lease,
): Response {
  const headers = passthroughHeaders(engineId, status, contentType, request.requestId);
  if (lease && request.hints.explain === true)
    headers[HEADERS.schedule] = scheduleHeaderValue(lease.explain());
  return withRequestIdHeader(new Response(body, { status, headers }));
}

function isExhausted(error: unknown): boolean {
  return EngineUnavailableError.isInstance(error) && error.reason === 'engines-excluded';
}

/**
 * Forwards inference requests: scheduler lease → one upstream attempt → response, failing over
 * as {@link decideOnAnswer} and {@link decideOnNoEngine} say (`failover-decision.ts`), reporting
 * through a {@link ForwardObserver}. Every lease is released exactly once: when the answer is
 * complete, when the stream ends, or when the client disconnects (which aborts the upstream
 * request).
 */
export class InferenceForwarder {
  readonly #options: InferenceForwarderOptions;
  readonly #observer: ForwardObserver;
  /** The launch that serves the engine now; none while it restarts (its old one will not serve again). */
  readonly #currentGeneration = (engineId: string): string | null =>
    this.#options.manager.engineGeneration(engineId);

  constructor(options: InferenceForwarderOptions) {
    if (!(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
      throw new TypeError(`maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    }
    this.#options = options;
    this.#observer = new ForwardObserver({ metrics: options.metrics, logger: options.logger });
  }

  /** Answer `request` from an engine, or throw an error for the error table. */
  async forward(request: InferenceRequest): Promise<Response> {
    const run: Run = { failover: initialFailoverState(), queueMs: 0, failedEngineMs: 0, model: '' };
    const { maxAttempts, pools } = this.#options;
    this.#observer.started();
    let streaming = false;
    try {
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const lease = await this.#acquire(request, run, attempt);
        if (!lease) break;
        const outcome = await attemptUpstream(pools, request, lease, attempt, maxAttempts);
        const response = this.#settle(request, run, lease, outcome, lease.engine.generation ?? null);
        if (response) {
          streaming = outcome.type === 'streaming';
          return response;
        }
      }
      return this.#giveUp(request, run);
    } catch (error) {
      const failure = request.client.aborted ? new ClientDisconnectedError(error) : error;
      const { mapping } = describeError(failure);
      this.#observer.finished(request, {
        model: run.model,
        engineId: '',
        status: mapping.status,
        outcome: 'rejected',
        attempts: run.failover.tried.length,
        errorType: mapping.type,
        errorCode: mapping.code,
      });
      throw failure;
    } finally {
      if (!streaming) this.#observer.ended();
    }
  }

  /** A lease for the next attempt, or undefined when no engine is left (give up). */
  async #acquire(request: InferenceRequest, run: Run, attempt: number): Promise<Lease | undefined> {
    const { hints, client } = request;
    const waitStarted = performance.now();
    const elapsed = waitStarted - request.startedAt;
    const { manager } = this.#options;
    const prefixHashes =
      request.prefixHashes !== undefined && manager.needsPrefixHashes(hints.policy)
        ? request.prefixHashes()
        : undefined;
    const acquire = (retry: string) =>
      manager.acquire(
        {
          requestId: attempt === 1 ? request.schedulingId : `${request.schedulingId}~${attempt}${retry}`,
          model: request.model,
          kind: request.route.kind,
          priority: hints.priority,
          deadlineMs: hints.deadlineMs === undefined ? undefined : Math.max(1, hints.deadlineMs - elapsed),
          policy: hints.policy,
          estimatedTokens: request.estimatedTokens,
          prefixHashes,
          excludeEngineIds: stillFailing(run.failover, this.#currentGeneration),
        },
        client.signal,
      );
    try {
      let lease: Lease;
      try {
        lease = await acquire('');
      } catch (error) {
        if (decideOnNoEngine(run.failover, isExhausted(error), false) !== 'wait-for-restart') throw error;
        // The engine died: its restart is usually already under way. Give the manager a moment
        // to notice, then queue for the restarted engine instead of failing the request.
        await this.#waitForStateChange(run.failover, client.signal);
        lease = await acquire('r');
      }
      const waitMs = performance.now() - waitStarted;
      run.queueMs += waitMs;
      run.model = lease.engine.modelId;
      this.#observer.leaseGranted(request, waitMs);
      return lease;
    } catch (error) {
      run.queueMs += performance.now() - waitStarted;
      if (decideOnNoEngine(run.failover, isExhausted(error), true) === 'give-up') return undefined;
      throw error;
    }
  }

  /**
   * Resolves once a tried engine's failed process is gone (the manager noticed the exit and a
   * restart is under way), after a short bound, or on client abort.
   */
  #waitForStateChange(failover: FailoverState, signal: AbortSignal): Promise<void> {
    const { manager } = this.#options;
    const changed = () => stillFailing(failover, this.#currentGeneration).length < failover.tried.length;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        manager.off('engine-state-change', onChange);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const onChange = (change: { engineId: string }) => {
        if (failover.tried.includes(change.engineId) && changed()) done();
      };
      const timer = setTimeout(done, STATE_CHANGE_WAIT_MS);
      manager.on('engine-state-change', onChange);
      signal.addEventListener('abort', done, { once: true });
      if (changed()) done();
    });
  }

  /**
   * Act on one attempt's outcome: release the lease, report engine health and observe. Returns
   * the response to send, or undefined to fail over. `generation`: the engine's launch at the attempt.
   */
  #settle(
    request: InferenceRequest,
    run: Run,
    lease: Lease,
    outcome: AttemptOutcome,
    generation: string | null,
  ): Response | undefined {
    const { health } = this.#options;
    switch (outcome.type) {
      case 'skipped':
        lease.release({ ok: false });
        run.failover = afterFailure(run.failover, outcome.engineId, generation, undefined);
        return undefined;
      case 'unbuildable':
        // Nothing was sent: no health report, no failover, no latency sample.
        lease.release();
        throw outcome.error;
      case 'failed': {
        lease.release({ ok: false });
        if (request.client.aborted) throw new ClientDisconnectedError(request.client.reason);
        run.failedEngineMs += outcome.engineMs;
        this.#recordFailure(request, run, outcome.failure);
        return undefined;
      }
      case 'answered': {
        const { engineId, status, engineMs } = outcome;
        lease.release({ ok: status < 500, latencyMs: engineMs });
        if (status >= 500) health.failure(engineId, `status ${status}`);
        else health.success(engineId);
        this.#observeOverhead(request, run, performance.now() - request.startedAt - engineMs);
        this.#observer.finished(request, {
          model: run.model,
          engineId,
          status,
          outcome: 'completed',
          attempts: run.failover.tried.length + 1,
          ...(status < 400 ? { usage: usageFromBody(outcome.body) } : errorLabelsFromBody(outcome.body)),
        });
        return answer(request, outcome.body, status, engineId, outcome.contentType, lease);
      }
      case 'streaming':
        return this.#stream(request, run, lease, outcome);
    }
  }

  #stream(
    request: InferenceRequest,
    run: Run,
    lease: Lease,
    outcome: Extract<AttemptOutcome, { type: 'streaming' }>,
  ): Response {
    const { engineId, upstream, sentAt, status } = outcome;
    const { health } = this.#options;
    const observer = this.#observer;
    const model = lease.engine.modelId;
    const meter = new StreamMeter();
    const stream = passthroughStream({
      body: upstream.body,
      onChunk: (chunk) => meter.chunk(chunk, performance.now()),
      onFirstChunk: () => {
        observer.firstChunk(request, model, engineId);
        this.#observeOverhead(request, run, sentAt - request.startedAt);
      },
      onEnd: (streamOutcome: StreamOutcome, error?: unknown) => {
        const engineMs = performance.now() - sentAt;
        lease.release({ ok: streamOutcome === 'completed', latencyMs: engineMs });
        if (streamOutcome === 'completed') health.success(engineId);
        if (streamOutcome === 'engine-error')
          health.failure(engineId, failureReason({ type: 'connection', engineId, error }));
        observer.ended();
        const usage = meter.usage();
        observer.finished(request, {
          model,
          engineId,
          // The 200 went out with the headers; what the request came to is what counts.
          status:
            streamOutcome === 'client-disconnected' ? 499 : streamOutcome === 'engine-error' ? 502 : status,
          outcome: streamOutcome,
          attempts: run.failover.tried.length + 1,
          usage,
          ...(streamOutcome === 'completed'
            ? { interTokenSeconds: meter.interTokenSeconds(usage.completionTokens) }
            : streamOutcome === 'client-disconnected'
              ? { errorType: 'invalid_request_error', errorCode: 'client_closed_request' }
              : { errorType: 'server_error', errorCode: 'engine_stream_interrupted' }),
        });
      },
      abortUpstream: (reason) => upstream.body.destroy(reason instanceof Error ? reason : undefined),
      isClientGone: () => request.client.aborted,
      describeFailure: (error) =>
        `engine ${engineId} failed after the stream began (${failureReason({ type: 'connection', engineId, error })}); not retried`,
    });
    const headers = passthroughHeaders(
      engineId,
      status,
      headerValue(upstream.headers, 'content-type'),
      request.requestId,
    );
    if (request.hints.explain === true) headers[HEADERS.schedule] = scheduleHeaderValue(lease.explain());
    return withRequestIdHeader(new Response(stream, { status, headers }));
  }

  /** No engine left or attempts used up: pass the last engine answer through, or 502. */
  #giveUp(request: InferenceRequest, run: Run): Response {
    const decision = decideGiveUp(run.failover);
    if (decision.type === 'unreachable') throw new EngineUnreachableError(decision.engineIds, decision.cause);
    const { failure } = decision;
    this.#observer.finished(request, {
      model: run.model,
      engineId: failure.engineId,
      status: failure.status,
      outcome: 'failed',
      attempts: run.failover.tried.length,
      ...errorLabelsFromBody(failure.body),
    });
    return answer(request, failure.body, failure.status, failure.engineId, failure.contentType);
  }

  #recordFailure(request: InferenceRequest, run: Run, failure: UpstreamFailure): void {
    run.failover = afterFailure(
      run.failover,
      failure.engineId,
      this.#currentGeneration(failure.engineId),
      failure,
    );
    this.#options.health.failure(failure.engineId, failureReason(failure));
    this.#observer.attemptFailed(request, failure, run.failover.tried.length);
  }

  #observeOverhead(request: InferenceRequest, run: Run, outsideEngineMs: number): void {
    this.#observer.overhead(request, outsideEngineMs - run.queueMs - run.failedEngineMs);
  }
}

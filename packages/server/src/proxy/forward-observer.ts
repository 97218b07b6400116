import type { Logger } from 'pino';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { TokenUsage } from '../metrics/token-usage.js';
import type { InferenceRequest } from './inference-request.js';
import { failureReason, type UpstreamFailure } from './upstream-response.js';

/** How a forwarded request ended, for the `request-completed` log line. */
export type ForwardOutcome = 'completed' | 'failed' | 'rejected' | 'client-disconnected' | 'engine-error';

/** What the forwarder reports when a request is done. */
export interface FinishedRequest {
  /** The model that served it; `''` when none was chosen. */
  model: string;
  /** The engine that answered; `''` when none did. */
  engineId: string;
  status: number;
  outcome: ForwardOutcome;
  /** Engines tried, the one that answered included. */
  attempts: number;
  /** OpenAI `error.type` and `error.code` of a failed request. */
  errorType?: string | undefined;
  errorCode?: string | null | undefined;
  /** Tokens of the answer, when known. */
  usage?: TokenUsage | undefined;
  /** Streams: mean seconds between two generated tokens. */
  interTokenSeconds?: number | undefined;
}

/**
 * The forwarder's metrics and logs, in one place: it records what happened and decides nothing.
 * Each method is one moment of a request: started, granted a lease, an attempt failed, the first
 * streamed chunk, the gateway's own overhead, finished.
 */
export class ForwardObserver {
  readonly #metrics: GatewayMetrics;
  readonly #logger: Logger;

  constructor(options: { metrics: GatewayMetrics; logger: Logger }) {
    this.#metrics = options.metrics;
    this.#logger = options.logger;
  }

  /** The request entered the forwarder (counted in flight until {@link ended}). */
  started(): void {
    this.#metrics.inFlight.inc();
  }

  /** The request left the forwarder: its answer was sent, or it failed. */
  ended(): void {
    this.#metrics.inFlight.dec();
  }

  /** The scheduler granted a lease after `waitMs` in the queue. */
  leaseGranted(request: InferenceRequest, waitMs: number): void {
    this.#metrics.queueWait.observe({ route: request.route.path }, waitMs / 1000);
  }

  /** An attempt failed before any byte reached the client; the request fails over. */
  attemptFailed(request: InferenceRequest, failure: UpstreamFailure, attempt: number): void {
    const reason = failureReason(failure);
    this.#metrics.failovers.inc({ route: request.route.path, engine_id: failure.engineId, reason });
    this.#logger.warn(
      { requestId: request.requestId, engineId: failure.engineId, reason, attempt },
      'engine-attempt-failed',
    );
  }

  /** The first chunk of a streamed answer is on its way to the client. */
  firstChunk(request: InferenceRequest, model: string, engineId: string): void {
    this.#metrics.observeFirstToken(
      { route: request.route.path, model, engine_id: engineId },
      (performance.now() - request.startedAt) / 1000,
    );
  }

  /** Time spent in the gateway itself: outside the queue and outside the engine. */
  overhead(request: InferenceRequest, overheadMs: number): void {
    this.#metrics.overhead.observe({ route: request.route.path }, Math.max(0, overheadMs) / 1000);
  }

  /** The request is done: request metrics, and one log line (debug when routine, info otherwise). */
  finished(request: InferenceRequest, finished: FinishedRequest): void {
    const durationMs = performance.now() - request.startedAt;
    const route = request.route.path;
    const { model, engineId, status, outcome, usage } = finished;
    this.#metrics.observeInference({
      route,
      model,
      engineId,
      status,
      durationSeconds: durationMs / 1000,
      errorType: finished.errorType,
      errorCode: finished.errorCode,
    });
    if (usage) this.#metrics.observeTokens(model, usage.promptTokens, usage.completionTokens);
    if (finished.interTokenSeconds !== undefined) {
      this.#metrics.interTokenLatency.observe(
        { route, model, engine_id: engineId },
        finished.interTokenSeconds,
      );
    }
    const level = outcome === 'completed' && status < 400 ? 'debug' : 'info';
    if (!this.#logger.isLevelEnabled(level)) return;
    this.#logger[level](
      {
        requestId: request.requestId,
        route,
        model,
        engineId,
        status,
        outcome,
        attempts: finished.attempts,
        durationMs: Math.round(durationMs * 100) / 100,
      },
      'request-completed',
    );
  }
}

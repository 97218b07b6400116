import { Gauge, Registry } from 'prom-client';
import { SERVER_VERSION } from '../version.js';
import { CompactCounter } from './compact-counter.js';
import { CompactHistogram } from './compact-histogram.js';
import { runtimeMetricsRegistry } from './runtime-metrics.js';
import { TrafficStats } from './traffic-stats.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const FIRST_TOKEN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
const QUEUE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60];
const INTER_TOKEN_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5];
const LOAD_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const DECISION_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01];

/** What one finished inference request reports. */
export interface InferenceObservation {
  /** The gateway route, e.g. `/v1/chat/completions`. */
  route: string;
  /** The model that served it; `''` when none was chosen (e.g. an unknown model). */
  model: string;
  /** The engine that answered; `''` when none did. */
  engineId: string;
  /** HTTP status; 499 when the client went away, 502 when the engine failed after a stream began. */
  status: number;
  /** Arrival to the last byte handed to the client. */
  durationSeconds: number;
  /** OpenAI `error.type` of a failed request (status ≥ 400). */
  errorType?: string | undefined;
  /** OpenAI `error.code` of a failed request; `''` when the error had none. */
  errorCode?: string | null | undefined;
}

/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global one),
 * so a process can hold several gateways (tests do). The histograms are
 * {@link CompactHistogram}s and the counters {@link CompactCounter}s: prom-client's exposition,
 * a cheaper observation. Cluster gauges (queue, engine states, GPU memory) are read from the
 * manager at scrape time: see `observeManager`.
 *
 * @example
 * ```ts
 * const metrics = new GatewayMetrics();
 * const app = createGateway({ manager, metrics });
 * const text = await metrics.registry.metrics();
 * ```
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #runtime: boolean;

  /**
   * @param options.runtime include the process's `process_*` and `nodejs_*` series in
   *   {@link render} (default true; they are shared by every gateway of the process).
   */
  constructor(options: { runtime?: boolean } = {}) {
    this.#runtime = options.runtime ?? true;
    this.buildInfo.set({ version: SERVER_VERSION, node_version: process.version }, 1);
  }

  /** `sage_build_info{version, node_version} 1` */
  readonly buildInfo = new Gauge({
    name: 'sage_build_info',
    help: 'Always 1; the labels say which gateway version runs on which Node.js',
    labelNames: ['version', 'node_version'] as const,
    registers: [this.registry],
  });

  /** `sage_gateway_requests_total{route, model, engine_id, status}` */
  readonly requests = new CompactCounter({
    name: 'sage_gateway_requests_total',
    help: 'Inference requests answered, by route, model, engine and HTTP status',
    labelNames: ['route', 'model', 'engine_id', 'status'] as const,
    registers: [this.registry],
  });

  /** `sage_gateway_request_errors_total{route, model, status, type, code}` */
  readonly requestErrors = new CompactCounter({
    name: 'sage_gateway_request_errors_total',
    help: 'Inference requests that failed, by route, model, HTTP status (499: client disconnected) and OpenAI error type and code',
    labelNames: ['route', 'model', 'status', 'type', 'code'] as const,
    registers: [this.registry],
  });

  /** `sage_gateway_prompt_tokens_total{model}` */
  readonly promptTokens = new CompactCounter({
    name: 'sage_gateway_prompt_tokens_total',
    help: "Prompt tokens of answered requests, by model (the engine's usage; streams: when it sends a usage chunk)",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  /** `sage_gateway_completion_tokens_total{model}` */
  readonly completionTokens = new CompactCounter({
    name: 'sage_gateway_completion_tokens_total',
    help: "Generated tokens, by model (the engine's usage; streams without a usage chunk: the token chunks sent)",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  /** `sage_gateway_inter_token_latency_seconds{route, model, engine_id}` (streamed answers) */
  readonly interTokenLatency = new CompactHistogram({
    name: 'sage_gateway_inter_token_latency_seconds',
    help: 'Streamed requests: mean time between two generated tokens (first to last token chunk over tokens - 1), one observation per request',
    labelNames: ['route', 'model', 'engine_id'] as const,
    buckets: INTER_TOKEN_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_request_duration_seconds{route, model, engine_id}` */
  readonly requestDuration = new CompactHistogram({
    name: 'sage_gateway_request_duration_seconds',
    help: 'Inference request latency, from arrival at the gateway to the last byte sent',
    labelNames: ['route', 'model', 'engine_id'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_time_to_first_token_seconds{route, model, engine_id}` (streamed answers) */
  readonly timeToFirstToken = new CompactHistogram({
    name: 'sage_gateway_time_to_first_token_seconds',
    help: 'Streamed requests: time from arrival at the gateway to the first chunk from the engine',
    labelNames: ['route', 'model', 'engine_id'] as const,
    buckets: FIRST_TOKEN_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_overhead_seconds{route}` */
  readonly overhead = new CompactHistogram({
    name: 'sage_gateway_overhead_seconds',
    help: 'Time spent in the gateway outside the engine and outside the queue (streams: up to the first chunk)',
    labelNames: ['route'] as const,
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_queue_wait_seconds{route}` */
  readonly queueWait = new CompactHistogram({
    name: 'sage_gateway_queue_wait_seconds',
    help: 'Time inference requests waited in the scheduler queue for an engine slot',
    labelNames: ['route'] as const,
    buckets: QUEUE_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_failovers_total{route, engine_id, reason}` */
  readonly failovers = new CompactCounter({
    name: 'sage_gateway_failovers_total',
    help: 'Requests retried on another engine before any byte reached the client, by the failed engine',
    labelNames: ['route', 'engine_id', 'reason'] as const,
    registers: [this.registry],
  });

  /** `sage_engine_restarts_total{engine_id, model}` */
  readonly engineRestarts = new CompactCounter({
    name: 'sage_engine_restarts_total',
    help: 'Engine restarts (automatic and requested) seen by this gateway',
    labelNames: ['engine_id', 'model'] as const,
    registers: [this.registry],
  });

  /** `sage_scheduler_decisions_total{policy, outcome}` */
  readonly schedulingDecisions = new CompactCounter({
    name: 'sage_scheduler_decisions_total',
    help: 'Scheduler outcomes: dispatched (by deciding policy) or rejected (by error class)',
    labelNames: ['policy', 'outcome'] as const,
    registers: [this.registry],
  });

  /** `sage_scheduler_policy_decision_seconds{policy}` */
  readonly decisionDuration = new CompactHistogram({
    name: 'sage_scheduler_policy_decision_seconds',
    help: "Time spent in the scheduling policy's pick for one request",
    labelNames: ['policy'] as const,
    buckets: DECISION_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_model_loads_total{model, reason, outcome}` */
  readonly modelLoads = new CompactCounter({
    name: 'sage_model_loads_total',
    help: 'Catalog model loads, by model, reason (request, preload, min-replicas, scale-up, manual, group) and outcome (loaded, failed)',
    labelNames: ['model', 'reason', 'outcome'] as const,
    registers: [this.registry],
  });

  /** `sage_model_unloads_total{model, reason}` */
  readonly modelUnloads = new CompactCounter({
    name: 'sage_model_unloads_total',
    help: 'Catalog model engines stopped, by model and reason (idle-ttl, scale-down, evicted, manual)',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });

  /** `sage_model_evictions_total{model, for_model}` */
  readonly modelEvictions = new CompactCounter({
    name: 'sage_model_evictions_total',
    help: 'Idle engines evicted for GPU memory, by the evicted model and the model that needed the memory',
    labelNames: ['model', 'for_model'] as const,
    registers: [this.registry],
  });

  /** `sage_model_sleeps_total{model, reason}` */
  readonly modelSleeps = new CompactCounter({
    name: 'sage_model_sleeps_total',
    help: 'Catalog model engines put to sleep instead of stopped (GPU memory given back), by model and reason (idle-ttl, evicted)',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });

  /** `sage_model_wakes_total{model, outcome}` */
  readonly modelWakes = new CompactCounter({
    name: 'sage_model_wakes_total',
    help: 'Sleeping engines woken for a load, by model and outcome (woken; failed: stopped, loaded cold instead)',
    labelNames: ['model', 'outcome'] as const,
    registers: [this.registry],
  });

  /** `sage_model_wake_duration_seconds{model}` */
  readonly modelWakeDuration = new CompactHistogram({
    name: 'sage_model_wake_duration_seconds',
    help: 'Time from the start of a load to a woken engine answering its canary request',
    labelNames: ['model'] as const,
    buckets: LOAD_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_model_load_wait_seconds{model}` */
  readonly modelLoadWait = new CompactHistogram({
    name: 'sage_model_load_wait_seconds',
    help: 'Time a request for a catalog model with no engine waited in the queue (the load included)',
    labelNames: ['model'] as const,
    buckets: LOAD_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_model_load_duration_seconds{model}` */
  readonly modelLoadDuration = new CompactHistogram({
    name: 'sage_model_load_duration_seconds',
    help: 'Time from the start of a catalog model load (placement and evictions included) to RUNNING',
    labelNames: ['model'] as const,
    buckets: LOAD_BUCKETS,
    registers: [this.registry],
  });

  /** `sage_gateway_in_flight_requests` */
  readonly inFlight = new Gauge({
    name: 'sage_gateway_in_flight_requests',
    help: 'Inference requests the gateway is handling now (queued or forwarded)',
    registers: [this.registry],
  });

  /** The last minute of traffic for the dashboard's stats endpoint (fed with the metrics below). */
  readonly traffic = new TrafficStats();

  /** Record a finished inference request. */
  observeInference(observation: InferenceObservation): void {
    const { route, model, engineId, status, durationSeconds } = observation;
    this.traffic.observe(observation);
    const statusText = String(status);
    this.requests.inc({ route, model, engine_id: engineId, status: statusText });
    this.requestDuration.observe({ route, model, engine_id: engineId }, durationSeconds);
    if (status >= 400) {
      this.requestErrors.inc({
        route,
        model,
        status: statusText,
        type: observation.errorType ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
        code: observation.errorCode ?? '',
      });
    }
  }

  /** Record the time to the first chunk of a streamed answer. */
  observeFirstToken(labels: { route: string; model: string; engine_id: string }, seconds: number): void {
    this.timeToFirstToken.observe(labels, seconds);
    this.traffic.observeFirstToken(labels.model, seconds);
  }

  /** Count the tokens of one answer (counts the engine did not give are left out). */
  observeTokens(model: string, promptTokens: number | undefined, completionTokens: number | undefined): void {
    if (promptTokens !== undefined && promptTokens > 0) this.promptTokens.inc({ model }, promptTokens);
    if (completionTokens !== undefined && completionTokens > 0)
      this.completionTokens.inc({ model }, completionTokens);
  }

  /** The Prometheus text exposition of every metric, the process's runtime series after the gateway's. */
  async render(): Promise<{ contentType: string; body: string }> {
    const own = await this.registry.metrics();
    if (!this.#runtime) return { contentType: this.registry.contentType, body: own };
    const runtime = await runtimeMetricsRegistry().metrics();
    return {
      contentType: this.registry.contentType,
      body: `${own.endsWith('\n') ? own : `${own}\n`}${runtime}`,
    };
  }
}

import type { Pool } from 'undici';
import { type Percentiles, percentiles, round } from '../harness/stats.js';
import type { SimulatedEngine } from './scheduling-fleet.js';
import {
  PRIORITY_CLASSES,
  type PriorityClass,
  requestBody,
  type WorkloadRequest,
} from './scheduling-workload.js';

/** Where one request goes: a pool and its headers. */
export interface Route {
  pool: Pool;
  headers: Record<string, string>;
}

/** What happened to one request. */
export interface Outcome {
  request: WorkloadRequest;
  status: number;
  /** Scheduled send time → first streamed chunk. */
  ttftMs: number;
  /** Scheduled send time → last byte. */
  latencyMs: number;
  engine: SimulatedEngine | undefined;
}

/** One run: one strategy on one workload, one repetition. */
export interface RunResult {
  outcomes: Outcome[];
  /** Seconds from the first send to the last answer. */
  seconds: number;
  /** Cached ÷ prompt tokens over the run, from the engines' counters. */
  cacheHitRate: number;
}

/**
 * Send `requests` open-loop (each at its own time, whatever the answers do) through `routeFor`,
 * streamed; `engineOf` says which simulated engine answered.
 */
export async function runWorkload(
  requests: readonly WorkloadRequest[],
  routeFor: (request: WorkloadRequest) => Route,
  engineOf: (
    headers: Record<string, string | string[] | undefined>,
    route: Route,
  ) => SimulatedEngine | undefined,
  model: string,
  salt: string,
): Promise<Omit<RunResult, 'cacheHitRate'>> {
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  for (const request of requests) {
    const wait = startedAt + request.sendAtMs - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait - 1));
    const scheduledAt = startedAt + request.sendAtMs;
    const route = routeFor(request);
    pending.push(
      route.pool
        .request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...route.headers },
          body: requestBody(request, model, salt),
          headersTimeout: 120_000,
          bodyTimeout: 120_000,
        })
        .then(async (response) => {
          let firstAt: number | undefined;
          for await (const _chunk of response.body) firstAt ??= performance.now();
          lastAnswerAt = performance.now();
          outcomes.push({
            request,
            status: response.statusCode,
            ttftMs: (firstAt ?? lastAnswerAt) - scheduledAt,
            latencyMs: lastAnswerAt - scheduledAt,
            engine: engineOf(response.headers, route),
          });
        })
        .catch(() => {
          outcomes.push({ request, status: 0, ttftMs: Number.NaN, latencyMs: Number.NaN, engine: undefined });
        }),
    );
  }
  await Promise.all(pending);
  return { outcomes, seconds: (lastAnswerAt - startedAt) / 1000 };
}

/** One strategy on one workload at one load, over every repetition. */
export interface StrategyResult {
  strategy: string;
  ttft: Percentiles;
  latency: Percentiles;
  /** TTFT of critical + high. */
  urgentTtft: Percentiles;
  /** Latency of low + background (they absorb an overload). */
  bulkLatency: Percentiles;
  /** Share of requests with a deadline answered 200 within it. */
  sloAttainment: number;
  /** The same for critical + high only. */
  urgentSlo: number;
  sloByClass: Partial<Record<PriorityClass, number>>;
  /** Requests per second answered within their deadline (or answered at all, without one), mean over repetitions. */
  goodput: number;
  throughput: number;
  cacheHitRate: number;
  failures: number;
  engineShare: Record<string, number>;
  repetitions: number;
}

const met = (outcome: Outcome) =>
  outcome.status === 200 && outcome.latencyMs <= (outcome.request.deadlineMs ?? Number.POSITIVE_INFINITY);

/** Pool the runs of one strategy into its figures. */
export function summarise(
  strategy: string,
  runs: readonly RunResult[],
  fleet: readonly SimulatedEngine[],
): StrategyResult {
  const all = runs.flatMap((run) => run.outcomes);
  const ok = all.filter((outcome) => outcome.status === 200);
  const of = (classes: readonly PriorityClass[]) =>
    ok.filter((outcome) => classes.includes(outcome.request.priority));
  const withDeadline = all.filter((outcome) => outcome.request.deadlineMs !== undefined);
  const urgentWithDeadline = withDeadline.filter(
    (outcome) => outcome.request.priority === 'critical' || outcome.request.priority === 'high',
  );
  const sloByClass: Partial<Record<PriorityClass, number>> = {};
  for (const priority of PRIORITY_CLASSES) {
    const inClass = withDeadline.filter((outcome) => outcome.request.priority === priority);
    if (inClass.length > 0) sloByClass[priority] = round(inClass.filter(met).length / inClass.length, 4);
  }
  const engineShare: Record<string, number> = {};
  for (const engine of fleet) {
    engineShare[engine.label] = round(
      ok.filter((outcome) => outcome.engine === engine).length / Math.max(1, ok.length),
      4,
    );
  }
  const meanOf = (values: number[]) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return {
    strategy,
    ttft: percentiles(ok.map((outcome) => outcome.ttftMs)),
    latency: percentiles(ok.map((outcome) => outcome.latencyMs)),
    urgentTtft: percentiles(of(['critical', 'high']).map((outcome) => outcome.ttftMs)),
    bulkLatency: percentiles(of(['low', 'background']).map((outcome) => outcome.latencyMs)),
    sloAttainment: round(withDeadline.filter(met).length / Math.max(1, withDeadline.length), 4),
    urgentSlo: round(urgentWithDeadline.filter(met).length / Math.max(1, urgentWithDeadline.length), 4),
    sloByClass,
    goodput: round(meanOf(runs.map((run) => run.outcomes.filter(met).length / run.seconds)), 2),
    throughput: round(
      meanOf(
        runs.map((run) => run.outcomes.filter((outcome) => outcome.status === 200).length / run.seconds),
      ),
      2,
    ),
    cacheHitRate: round(meanOf(runs.map((run) => run.cacheHitRate)), 4),
    failures: all.length - ok.length,
    engineShare,
    repetitions: runs.length,
  };
}

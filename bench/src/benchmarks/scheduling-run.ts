import type { Pool } from 'undici';
import { type Percentiles, percentiles, round } from '../harness/stats.js';
import { FLEET, type SimulatedEngine, serviceMs } from './scheduling-fleet.js';
import {
  PRIORITY_CLASSES,
  type PriorityClass,
  requestBody,
  type WorkloadRequest,
} from './scheduling-workload.js';

/** Where one request goes: a pool, a path and the engine that will answer (when the client chooses). */
export interface Route {
  pool: Pool;
  headers: Record<string, string>;
}

/** What happened to one request. */
interface Outcome {
  request: WorkloadRequest;
  status: number;
  latencyMs: number;
  engine: SimulatedEngine | undefined;
}

/** One strategy at one load. */
export interface StrategyResult {
  strategy: string;
  load: number;
  perClass: Record<PriorityClass, Percentiles>;
  /** critical + high (20 % of requests): enough samples for a p99 at a few hundred requests. */
  urgent: Percentiles;
  /** low + background. */
  bulk: Percentiles;
  /** Share of requests with a deadline that were answered 200 within it. */
  sloAttainment: number;
  sloByClass: Partial<Record<PriorityClass, number>>;
  /** Answered requests per second, from the first send to the last answer. */
  throughput: number;
  failures: number;
  /** Mean price × service time per request, in relative units (GPU-ms × price). */
  costPerRequest: number;
  /** Share of requests each engine served. */
  engineShare: Record<string, number>;
}

/**
 * Send `workload` open-loop (each request at its own time, whatever the answers do) through
 * `routeFor`, and summarise. `engineOf` says which simulated engine answered a response.
 */
export async function runWorkload(
  strategy: string,
  load: number,
  workload: readonly WorkloadRequest[],
  routeFor: (request: WorkloadRequest) => Route,
  engineOf: (
    headers: Record<string, string | string[] | undefined>,
    route: Route,
  ) => SimulatedEngine | undefined,
  model: string,
): Promise<StrategyResult> {
  const outcomes: Outcome[] = [];
  const pending: Promise<void>[] = [];
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  for (const request of workload) {
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
          body: requestBody(request, model),
          headersTimeout: 120_000,
          bodyTimeout: 120_000,
        })
        .then(async (response) => {
          await response.body.dump();
          lastAnswerAt = performance.now();
          outcomes.push({
            request,
            status: response.statusCode,
            latencyMs: lastAnswerAt - scheduledAt,
            engine: engineOf(response.headers, route),
          });
        })
        .catch(() => {
          outcomes.push({ request, status: 0, latencyMs: Number.NaN, engine: undefined });
        }),
    );
  }
  await Promise.all(pending);
  return summarise(strategy, load, outcomes, (lastAnswerAt - startedAt) / 1000);
}

function summarise(
  strategy: string,
  load: number,
  outcomes: readonly Outcome[],
  seconds: number,
): StrategyResult {
  const ok = outcomes.filter((outcome) => outcome.status === 200);
  const perClass = Object.fromEntries(
    PRIORITY_CLASSES.map((priority) => [
      priority,
      percentiles(
        ok.filter((outcome) => outcome.request.priority === priority).map((outcome) => outcome.latencyMs),
      ),
    ]),
  ) as Record<PriorityClass, Percentiles>;
  const latenciesOf = (classes: readonly PriorityClass[]) =>
    ok.filter((outcome) => classes.includes(outcome.request.priority)).map((outcome) => outcome.latencyMs);
  const met = (outcome: Outcome) =>
    outcome.status === 200 && outcome.latencyMs <= (outcome.request.deadlineMs ?? Number.POSITIVE_INFINITY);
  const withDeadline = outcomes.filter((outcome) => outcome.request.deadlineMs !== undefined);
  const sloByClass: Partial<Record<PriorityClass, number>> = {};
  for (const priority of PRIORITY_CLASSES) {
    const inClass = withDeadline.filter((outcome) => outcome.request.priority === priority);
    if (inClass.length > 0) sloByClass[priority] = round(inClass.filter(met).length / inClass.length, 4);
  }
  const engineShare: Record<string, number> = {};
  for (const engine of FLEET) {
    engineShare[engine.label] = round(
      ok.filter((outcome) => outcome.engine === engine).length / Math.max(1, ok.length),
      4,
    );
  }
  const cost = ok.reduce(
    (sum, outcome) =>
      sum +
      (outcome.engine
        ? outcome.engine.pricePerGpuHour *
          serviceMs(outcome.engine, outcome.request.promptWords, outcome.request.maxTokens)
        : 0),
    0,
  );
  return {
    strategy,
    load,
    perClass,
    urgent: percentiles(latenciesOf(['critical', 'high'])),
    bulk: percentiles(latenciesOf(['low', 'background'])),
    sloAttainment: round(withDeadline.filter(met).length / Math.max(1, withDeadline.length), 4),
    sloByClass,
    throughput: round(ok.length / seconds, 2),
    failures: outcomes.length - ok.length,
    costPerRequest: round(cost / Math.max(1, ok.length), 2),
    engineShare,
  };
}

import {
  type Lease,
  promptPrefixHashes,
  RequestScheduler,
  type SchedulableEngine,
} from '@sage/control-plane';
import { EngineSlots, PrefixBlockCache, promptBlocks, serviceTimes } from '../engines/engine-model.js';
import type { SimulatedEngine } from './scheduling-fleet.js';
import type { Outcome, RunResult } from './scheduling-run.js';
import { requestBody, type WorkloadRequest } from './scheduling-workload.js';

/**
 * The scheduling benchmark in virtual time: the gateway's own `RequestScheduler` (the same class,
 * policies and prefix index the gateway runs, with its clock injected) in front of an in-process
 * fleet that serves requests with the simulated engine's model (`engine-model.ts`). Events run in
 * time order; after each, the scheduler's microtasks settle before the clock moves. No sockets,
 * no timers, no machine noise: the same arrivals give the same figures on every run.
 */

/** Scheduler prefix-index capacity per engine, in prompt chunks: about an engine's 8 k-token cache. */
export const VIRTUAL_PREFIX_INDEX_CHUNKS = 300;

class EventQueue {
  readonly #times: number[] = [];
  readonly #actions: Array<() => void> = [];

  get size(): number {
    return this.#times.length;
  }

  /** Insert keeping time order (equal times: first scheduled first). */
  at(time: number, action: () => void): void {
    let low = 0;
    let high = this.#times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#times[middle] as number) <= time) low = middle + 1;
      else high = middle;
    }
    this.#times.splice(low, 0, time);
    this.#actions.splice(low, 0, action);
  }

  shift(): { time: number; action: () => void } {
    return { time: this.#times.shift() as number, action: this.#actions.shift() as () => void };
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Job {
  tokens: number;
  start: () => void;
}

/** One engine of the virtual fleet. */
class VirtualEngine {
  readonly slots: EngineSlots<Job>;
  readonly cache: PrefixBlockCache;
  promptTokens = 0;
  cachedTokens = 0;

  constructor(readonly spec: SimulatedEngine) {
    this.slots = new EngineSlots(spec.maxConcurrency, spec.kvCapacityTokens);
    this.cache = new PrefixBlockCache(spec.prefixCacheTokens);
  }
}

/** What a virtual run needs. */
export interface VirtualRunOptions {
  fleet: readonly SimulatedEngine[];
  model: string;
  /** A policy name, or `client_round_robin` (straight to the engines, no scheduler). */
  strategy: string;
  clientRoundRobin: string;
  salt: string;
}

/** Run `requests` through `strategy` in virtual time. */
export async function runVirtual(
  requests: readonly WorkloadRequest[],
  options: VirtualRunOptions,
): Promise<RunResult> {
  let clock = 0;
  const events = new EventQueue();
  const engines = options.fleet.map((spec) => new VirtualEngine(spec));
  const schedulable: SchedulableEngine[] = options.fleet.map((spec, index) => ({
    engineId: `sim-${index}-${spec.label}`,
    modelId: options.model,
    engineLabel: `sim-${spec.label}`,
    engineKind: 'llm',
    status: 'RUNNING',
    maxConcurrentRequests: spec.maxConcurrency,
    gpuCount: 1,
    pricePerGpuHour: spec.pricePerGpuHour,
  }));
  const byId = new Map(
    schedulable.map((engine, index) => [engine.engineId, engines[index] as VirtualEngine]),
  );
  const direct = options.strategy === options.clientRoundRobin;
  const scheduler = direct
    ? undefined
    : new RequestScheduler({
        engines: () => schedulable,
        policy: options.strategy,
        now: () => clock,
        queueCapacity: 1_000_000,
        queueTimeoutMs: 1_000_000_000,
        prefixCacheChunks: VIRTUAL_PREFIX_INDEX_CHUNKS,
      });
  const outcomes: Outcome[] = [];
  let lastAt = 0;

  const serve = (request: WorkloadRequest, engine: VirtualEngine, lease: Lease | undefined) => {
    const body = JSON.parse(requestBody(request, options.model, options.salt)) as {
      messages: Array<{ role: string; content: string }>;
    };
    const { hashes, tokens } = promptBlocks(body.messages);
    const sequenceTokens = tokens + request.maxTokens;
    const dispatchedAt = clock;
    const start = () => {
      const cached = Math.min(tokens, engine.cache.lookupAndInsert(hashes));
      engine.promptTokens += tokens;
      engine.cachedTokens += cached;
      const { prefillMs, decodeMs } = serviceTimes(engine.spec, tokens - cached, request.maxTokens);
      const firstAt = clock + prefillMs;
      events.at(firstAt + decodeMs, () => {
        lastAt = clock;
        outcomes.push({
          request,
          status: 200,
          ttftMs: firstAt - request.sendAtMs,
          latencyMs: clock - request.sendAtMs,
          engine: engine.spec,
        });
        for (const next of engine.slots.release(sequenceTokens)) next.start();
        lease?.release({ ok: true, latencyMs: clock - dispatchedAt });
      });
    };
    if (engine.slots.tryStart({ tokens: sequenceTokens, start })) start();
  };

  let next = 0;
  for (const request of requests) {
    events.at(request.sendAtMs, () => {
      if (!scheduler) {
        serve(request, engines[next++ % engines.length] as VirtualEngine, undefined);
        return;
      }
      const body = JSON.parse(requestBody(request, options.model, options.salt)) as Record<string, unknown>;
      scheduler
        .acquire({
          requestId: `r${request.index}`,
          model: options.model,
          kind: 'llm',
          priority: request.priority,
          deadlineMs: request.deadlineMs,
          estimatedTokens: request.maxTokens,
          prefixHashes: scheduler.needsPrefixHashes() ? promptPrefixHashes(body) : undefined,
        })
        .then(
          (lease) => serve(request, byId.get(lease.engine.engineId) as VirtualEngine, lease),
          () => {
            outcomes.push({
              request,
              status: 0,
              ttftMs: Number.NaN,
              latencyMs: Number.NaN,
              engine: undefined,
            });
          },
        );
    });
  }
  while (events.size > 0) {
    const { time, action } = events.shift();
    clock = time;
    action();
    await settle();
  }
  scheduler?.close();
  let prompt = 0;
  let cached = 0;
  for (const engine of engines) {
    prompt += engine.promptTokens;
    cached += engine.cachedTokens;
  }
  return { outcomes, seconds: lastAt / 1000, cacheHitRate: cached / Math.max(1, prompt) };
}

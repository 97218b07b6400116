import { DEFAULT_SCHEDULING_POLICY, ValidationError } from '@sage/protocol';
import { type Logger, pino } from 'pino';
import { type DispatchDecision, type PlanEntry, planRound } from './dispatch-plan.js';
import { EngineLoadTracker } from './engine-load-tracker.js';
import { isEngineAwake, resolveModel, servesModel, unavailability } from './model-resolution.js';
import { isUrgentClass } from './policies/candidate-ranking.js';
import type { SchedulingPolicy } from './policies/scheduling-policy.js';
import { PolicySet } from './policy-set.js';
import { PrefixCacheIndex } from './prefix-cache-index.js';
import { type QueueOrder, queueOrderFor } from './queue-order.js';
import { RequestQueue } from './request-queue.js';
import { validateScheduleRequest } from './schedule-request-schema.js';
import { DEFAULT_QUEUE_CAPACITY, DEFAULT_QUEUE_TIMEOUT_MS } from './scheduler-defaults.js';
import { QueueTimeoutError, SchedulerClosedError } from './scheduler-errors.js';
import type {
  Lease,
  LeaseOutcome,
  ModelQueueStats,
  RequestSchedulerOptions,
  SchedulableEngine,
  ScheduleExplanation,
  ScheduleRequest,
  SchedulerSnapshot,
  SchedulingDecisionEvent,
} from './scheduler-types.js';

// Re-exported so the package root can take every scheduler entry point from this file.
export { DEFAULT_QUEUE_CAPACITY, DEFAULT_QUEUE_TIMEOUT_MS } from './scheduler-defaults.js';
export type { RequestSchedulerOptions } from './scheduler-types.js';

interface Waiter extends PlanEntry {
  resolve(lease: Lease): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  detachAbort: () => void;
  /** It arrived while its catalog model had no alive engine. */
  waitedForLoad: boolean;
  /** Set once a round decided it waits for a specific busy engine (queue-aware placement). */
  waitedFor: string | undefined;
}

/** Engine facts that decide whether a queued request's model is still served. */
function engineSignature(engines: readonly SchedulableEngine[]): string {
  let signature = '';
  for (const engine of engines) {
    signature += `${engine.engineId}\u0000${engine.status}\u0000${engine.modelId}\u0000${engine.engineLabel ?? ''}\u0000${engine.engineKind}\u0001`;
  }
  return signature;
}

/** The exclusion set of a request that excludes nothing (read-only everywhere, so one is shared). */
const NO_EXCLUDED_ENGINES: ReadonlySet<string> = new Set<string>();

/** Statuses after which an engine's KV cache is gone. */
const CACHE_LOST = new Set(['STARTING', 'RESTARTING', 'STOPPED', 'FAILED']);

/**
 * The request scheduler (SPEC §4, §7): every inference request goes queue → policy → engine.
 * Decisions are matched to requests by id and load is counted after every decision, so each
 * `acquire` settles exactly once: with its own lease, or with a clear error.
 *
 * @example
 * ```ts
 * const scheduler = new RequestScheduler({ engines: () => manager.schedulableEngines() });
 * const lease = await scheduler.acquire({ requestId, model: 'qwen', kind: 'llm', priority: 'normal' }, signal);
 * try { await forward(lease.engine); lease.release({ ok: true, latencyMs }); }
 * catch (error) { lease.release({ ok: false }); throw error; }
 * ```
 */
export class RequestScheduler {
  readonly #options: RequestSchedulerOptions;
  readonly #policies: PolicySet;
  readonly #queue: RequestQueue<Waiter>;
  readonly #loads = new EngineLoadTracker();
  readonly #prefix: PrefixCacheIndex;
  /**
   * The queue in the order of each policy that has decided a round since the last policy change
   * (the active one, or a composite's delegates), kept up to date on enqueue and dequeue; null
   * for a policy whose order needs a sort per round.
   */
  readonly #orders = new Map<SchedulingPolicy, QueueOrder<Waiter> | null>();
  /** Queued requests of class critical or high, and with a deadline (for composites). */
  #urgentClass = 0;
  #withDeadline = 0;
  /** Engine list and its signature at the last full availability check. */
  #checkedList: readonly SchedulableEngine[] | undefined;
  #checkedEngines: string | undefined;
  readonly #queueTimeoutMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  #policyName: string;
  #sequence = 0;
  #dispatchPending = false;
  #closed = false;

  constructor(options: RequestSchedulerOptions) {
    this.#options = options;
    this.#policies = new PolicySet(options.policyParameters);
    this.#policyName = this.#policies.get(options.policy ?? DEFAULT_SCHEDULING_POLICY).name;
    this.#queue = new RequestQueue(options.queueCapacity ?? DEFAULT_QUEUE_CAPACITY);
    this.#queueTimeoutMs = options.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    if (!(this.#queueTimeoutMs > 0)) {
      throw new ValidationError({
        message: `queueTimeoutMs must be positive, got ${this.#queueTimeoutMs}`,
        path: 'queueTimeoutMs',
      });
    }
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#prefix = new PrefixCacheIndex(options.prefixCacheChunks);
  }

  /**
   * The hook for engines that report their KV cache: `engineId` holds exactly the prompt chunks
   * `hashes` (as `promptPrefixHashes` computes them; most recent last). An empty list clears it.
   */
  reportEngineCache(engineId: string, hashes: readonly number[]): void {
    this.#prefix.replace(engineId, hashes);
  }

  /** Prompt chunks the scheduler believes `engineId` caches. */
  cachedChunks(engineId: string): number {
    return this.#prefix.size(engineId);
  }

  /**
   * Whether a request with `policy` as its override (else the active policy) would be decided by
   * a policy that reads prompt prefix hashes: when false, callers can skip hashing the prompt.
   * False for an unknown name (`acquire` rejects it).
   */
  needsPrefixHashes(policy?: string): boolean {
    const name = policy ?? this.#policyName;
    if (!this.#policies.names.includes(name)) return false;
    return this.#policies.get(name).usesPrefixHashes === true;
  }

  /** The active policy's name. */
  get policy(): string {
    return this.#policyName;
  }

  /** Switch the active policy; queued requests are re-ordered. @throws UnknownPolicyError */
  setPolicy(name: string): void {
    const policy = this.#policies.get(name);
    if (policy.name === this.#policyName) return;
    this.#logger.info({ from: this.#policyName, to: policy.name }, 'scheduling-policy-change');
    this.#policyName = policy.name;
    this.#orders.clear();
    this.#scheduleDispatch();
  }

  /**
   * Wait for a slot on an engine serving `request`. Rejects at once with `ModelNotFoundError`,
   * `EngineUnavailableError`, `UnknownPolicyError`, `QueueFullError` or `SchedulerClosedError`;
   * later with `QueueTimeoutError`, `EngineUnavailableError`, the signal's abort reason or the
   * error given to `close()`. Once it resolves, the caller owns the lease and must release it,
   * even if the signal aborts afterwards.
   */
  acquire(request: ScheduleRequest, signal?: AbortSignal): Promise<Lease> {
    const arrivedAt = this.#now();
    try {
      return this.#enqueue(request, arrivedAt, signal);
    } catch (error) {
      this.#emit({
        type: 'request-rejected',
        requestId: request.requestId,
        model: request.model,
        kind: request.kind,
        reason: errorName(error),
        queuedMs: 0,
      });
      return Promise.reject(error);
    }
  }

  /** Re-evaluate queued requests: call when an engine's status (or the engine list) changed. */
  notifyEnginesChanged(): void {
    this.#checkedList = undefined;
    this.#checkedEngines = undefined;
    const engines = new Map(this.#options.engines().map((engine) => [engine.engineId, engine]));
    for (const engineId of this.#prefix.engineIds()) {
      const engine = engines.get(engineId);
      if (!engine || CACHE_LOST.has(engine.status)) this.#prefix.forget(engineId);
    }
    this.#scheduleDispatch();
  }

  /** In-flight leases on `engineId`. */
  load(engineId: string): number {
    return this.#loads.inFlight(engineId);
  }

  /** Queued requests per model name (the catalog name for catalog models). */
  queueStats(): Map<string, ModelQueueStats> {
    const stats = new Map<string, ModelQueueStats>();
    for (const { request } of this.#queue.items()) {
      const current = stats.get(request.model);
      if (current) {
        current.depth += 1;
        current.oldestArrivedAt = Math.min(current.oldestArrivedAt, request.arrivedAt);
      } else {
        stats.set(request.model, { depth: 1, oldestArrivedAt: request.arrivedAt });
      }
    }
    return stats;
  }

  /** Queue depth, capacity, active policy and in-flight leases per engine. */
  snapshot(): SchedulerSnapshot {
    return {
      depth: this.#queue.size,
      capacity: this.#queue.capacity,
      policy: this.#policyName,
      inFlight: this.#loads.snapshot(),
    };
  }

  /** Reject every queued request (with `error`, default `SchedulerClosedError`) and refuse new ones. */
  close(error?: unknown): void {
    this.#closed = true;
    const reason =
      error ?? new SchedulerClosedError('the request scheduler shut down while the request was queued');
    for (const waiter of this.#queue.items()) this.#reject(waiter, reason);
  }

  #enqueue(request: ScheduleRequest, arrivedAt: number, signal: AbortSignal | undefined): Promise<Lease> {
    if (this.#closed) throw new SchedulerClosedError();
    if (signal?.aborted) throw abortReason(signal);
    validateScheduleRequest(request);
    if (request.policy !== undefined) this.#policies.get(request.policy);
    const engines = this.#options.engines();
    const excludeEngineIds: ReadonlySet<string> =
      request.excludeEngineIds !== undefined && request.excludeEngineIds.length > 0
        ? new Set(request.excludeEngineIds)
        : NO_EXCLUDED_ENGINES;
    const onDemand = this.#options.onDemand;
    const catalogName =
      request.model === undefined ? undefined : onDemand?.resolve(request.model, request.kind);
    let model: string;
    let waitedForLoad = false;
    if (catalogName !== undefined && onDemand) {
      model = catalogName;
      const alive = engines.some(
        (engine) => isEngineAwake(engine) && servesModel(engine, model, request.kind),
      );
      if (!alive) {
        // No engine yet: the request waits in the queue while one loads (exactly one load).
        const refused = onDemand.demand(model, request.kind);
        if (refused) throw refused;
        waitedForLoad = true;
      } else {
        const unavailable = unavailability(engines, model, request.kind, excludeEngineIds);
        if (unavailable) throw unavailable;
      }
    } else {
      model = resolveModel(engines, request.model, request.kind);
      const unavailable = unavailability(engines, model, request.kind, excludeEngineIds);
      if (unavailable) throw unavailable;
    }

    // Plain locals, no object spread: this runs for every request (the spread alone cost ~10 µs).
    let resolveLease!: Waiter['resolve'];
    let rejectLease!: Waiter['reject'];
    const promise = new Promise<Lease>((resolve, reject) => {
      resolveLease = resolve;
      rejectLease = reject;
    });
    const waiter: Waiter = {
      resolve: resolveLease,
      reject: rejectLease,
      request: Object.freeze({
        requestId: request.requestId,
        model,
        kind: request.kind,
        priority: request.priority,
        deadlineMs: request.deadlineMs,
        estimatedTokens: request.estimatedTokens,
        arrivedAt,
        sequence: this.#sequence++,
        prefixHashes: request.prefixHashes,
        excludedEngines: excludeEngineIds.size > 0 ? excludeEngineIds : undefined,
      }),
      policyName: request.policy,
      excludeEngineIds,
      timer: undefined,
      detachAbort: () => {},
      waitedForLoad,
      waitedFor: undefined,
    };
    this.#queue.add(waiter);
    for (const order of this.#orders.values()) order?.add(waiter);
    if (isUrgentClass(request.priority)) this.#urgentClass += 1;
    if (request.deadlineMs !== undefined) this.#withDeadline += 1;
    // Fast path: nothing else waits, so decide now, in this tick, with the engine list already
    // read; a request granted here never needs a timer, an abort listener or a microtask.
    if (this.#queue.size === 1 && !this.#dispatchPending) {
      this.#dispatch(engines);
      if (this.#queue.get(waiter.request.requestId) !== waiter) return promise;
    }
    // A request that waits for its model's load is bounded by the load timeout instead.
    const timeoutMs = waitedForLoad
      ? (onDemand?.loadTimeoutMs ?? this.#queueTimeoutMs)
      : this.#queueTimeoutMs;
    const timer = setTimeout(() => this.#expire(waiter), timeoutMs);
    timer.unref?.();
    waiter.timer = timer;
    if (signal) {
      const onAbort = () => this.#reject(waiter, abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.detachAbort = () => signal.removeEventListener('abort', onAbort);
    }
    this.#logger.debug({ requestId: request.requestId, model, depth: this.#queue.size }, 'request-queued');
    if (this.#queue.size > 1) this.#scheduleDispatch();
    return promise;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchPending || this.#closed) return;
    this.#dispatchPending = true;
    queueMicrotask(() => {
      this.#dispatchPending = false;
      this.#dispatch();
    });
  }

  #dispatch(engines?: readonly SchedulableEngine[]): void {
    if (this.#queue.size === 0) return;
    let decisions: DispatchDecision[];
    try {
      const list = engines ?? this.#options.engines();
      // The manager hands out the same list object while nothing changed: then skip the signature.
      let checkAvailability = false;
      if (list !== this.#checkedList) {
        const signature = engineSignature(list);
        checkAvailability = signature !== this.#checkedEngines;
        this.#checkedEngines = signature;
        this.#checkedList = list;
      }
      const now = this.#now();
      decisions = planRound({
        entries: this.#queue,
        orderFor: (policy) => this.#orderOf(policy)?.ordered(now),
        queueCounts: { urgentClass: this.#urgentClass, withDeadline: this.#withDeadline },
        checkAvailability,
        engines: list,
        loads: this.#loads,
        modelLoads: this.#demandMissingModels(list),
        policy: this.#policies.get(this.#policyName),
        policyByName: (name) => this.#policies.get(name),
        now,
        stopwatch: () => performance.now(),
        prefixIndex: this.#prefix,
      });
    } catch (error) {
      // Only an engines() or comparator failure lands here; requests stay queued until their timeout.
      this.#checkedEngines = undefined;
      this.#checkedList = undefined;
      this.#logger.error({ err: error }, 'scheduler-dispatch-failed');
      return;
    }
    for (const decision of decisions) {
      const waiter = this.#queue.get(decision.requestId);
      if (!waiter) continue;
      if (decision.type === 'wait') {
        if (decision.waitFor && waiter.waitedFor !== decision.waitFor.engineId) {
          waiter.waitedFor = decision.waitFor.engineId;
          this.#logger.debug(
            { requestId: decision.requestId, ...decision.waitFor },
            'request-waits-for-engine',
          );
        }
        continue;
      }
      if (decision.type === 'reject') this.#reject(waiter, decision.error);
      else this.#grant(waiter, decision);
    }
  }

  /**
   * Catalog models of queued requests that no alive engine serves: ask for a load of each
   * (idempotent) and report, per model, null (wait) or the error to answer with.
   */
  #demandMissingModels(engines: readonly SchedulableEngine[]): Map<string, Error | null> | undefined {
    const onDemand = this.#options.onDemand;
    if (!onDemand) return undefined;
    const result = new Map<string, Error | null>();
    for (const { request } of this.#queue.items()) {
      if (result.has(request.model)) continue;
      if (onDemand.resolve(request.model, request.kind) !== request.model) continue;
      const alive = engines.some(
        (engine) => isEngineAwake(engine) && servesModel(engine, request.model, request.kind),
      );
      if (!alive) result.set(request.model, onDemand.demand(request.model, request.kind));
    }
    return result;
  }

  /** The incremental queue order of `policy` (built on first use), or undefined when it sorts per round. */
  #orderOf(policy: SchedulingPolicy): QueueOrder<Waiter> | undefined {
    let order = this.#orders.get(policy);
    if (order === undefined) {
      order = queueOrderFor(policy, this.#queue) ?? null;
      this.#orders.set(policy, order);
    }
    return order ?? undefined;
  }

  #grant(waiter: Waiter, decision: Extract<DispatchDecision, { type: 'dispatch' }>): void {
    this.#detach(waiter);
    const { engine } = decision;
    const { requestId, model, kind } = waiter.request;
    const queuedMs = Math.max(0, this.#now() - waiter.request.arrivedAt);
    this.#loads.acquire(engine.engineId);
    const hashes = waiter.request.prefixHashes;
    if (hashes !== undefined && hashes.length > 0) this.#prefix.record(engine.engineId, hashes);
    let released = false;
    let explanation: ScheduleExplanation | undefined;
    const explain = (): ScheduleExplanation => {
      explanation ??= {
        engineId: engine.engineId,
        policy: decision.policy,
        ...decision.explain(),
        queuedMs,
        waitedForEngine: waiter.waitedFor === engine.engineId,
      };
      return explanation;
    };
    const lease: Lease = {
      engine,
      policy: decision.policy,
      queuedMs,
      release: (outcome?: LeaseOutcome) => {
        if (released) return;
        released = true;
        this.#loads.release(engine.engineId, outcome);
        this.#notifyRelease(engine.engineId);
        this.#scheduleDispatch();
      },
      explain,
    };
    if (this.#logger.isLevelEnabled('debug')) {
      const { reason, scores, waitedForEngine } = explain();
      this.#logger.debug(
        {
          requestId,
          engineId: engine.engineId,
          policy: decision.policy,
          reason,
          scores,
          waitedForEngine,
          queuedMs,
          load: this.load(engine.engineId),
        },
        'request-dispatched',
      );
    }
    this.#emit({
      type: 'request-dispatched',
      requestId,
      model,
      kind,
      engineId: engine.engineId,
      policy: decision.policy,
      queuedMs,
      decisionMs: decision.decisionMs,
      waitedForLoad: waiter.waitedForLoad,
    });
    waiter.resolve(lease);
  }

  #expire(waiter: Waiter): void {
    const waitedMs = Math.max(0, this.#now() - waiter.request.arrivedAt);
    const { model, kind } = waiter.request;
    const onDemand = this.#options.onDemand;
    const running = this.#options
      .engines()
      .some((engine) => engine.status === 'RUNNING' && servesModel(engine, model, kind));
    const stillLoading = waiter.waitedForLoad && onDemand !== undefined && !running;
    this.#reject(
      waiter,
      stillLoading ? onDemand.loadTimeoutError(model, waitedMs) : new QueueTimeoutError(waitedMs, model),
    );
  }

  #notifyRelease(engineId: string): void {
    try {
      this.#options.onRelease?.(engineId);
    } catch (error) {
      this.#logger.warn({ err: error, engineId }, 'scheduler-release-hook-failed');
    }
  }

  #reject(waiter: Waiter, error: unknown): void {
    if (!this.#detach(waiter)) return;
    const { requestId, model, kind, arrivedAt } = waiter.request;
    const queuedMs = Math.max(0, this.#now() - arrivedAt);
    this.#logger.debug({ requestId, model, reason: errorName(error), queuedMs }, 'request-rejected');
    this.#emit({ type: 'request-rejected', requestId, model, kind, reason: errorName(error), queuedMs });
    waiter.reject(error);
  }

  /** Take `waiter` out of the queue and drop its timer and abort listener; false if it already left. */
  #detach(waiter: Waiter): boolean {
    if (this.#queue.get(waiter.request.requestId) !== waiter) return false;
    this.#queue.remove(waiter.request.requestId);
    for (const order of this.#orders.values()) order?.remove(waiter);
    if (isUrgentClass(waiter.request.priority)) this.#urgentClass -= 1;
    if (waiter.request.deadlineMs !== undefined) this.#withDeadline -= 1;
    clearTimeout(waiter.timer);
    waiter.detachAbort();
    return true;
  }

  #emit(event: SchedulingDecisionEvent): void {
    if (!this.#options.onDecision) return;
    try {
      this.#options.onDecision(event);
    } catch (error) {
      this.#logger.warn({ err: error, requestId: event.requestId }, 'scheduler-decision-hook-failed');
    }
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the request was aborted while queued', 'AbortError');
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

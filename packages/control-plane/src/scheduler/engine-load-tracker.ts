import type { CandidateView } from './policies/scheduling-policy.js';
import { DEFAULT_LATENCY_SMOOTHING } from './scheduler-defaults.js';
import type { LeaseOutcome, SchedulableEngine } from './scheduler-types.js';

/**
 * In-flight leases and observed latency per engine id: the scheduler's load accounting.
 * Counts survive engine-list changes, so a lease released after its engine left the list still
 * balances.
 */
export class EngineLoadTracker {
  readonly #inFlight = new Map<string, number>();
  readonly #latencyMs = new Map<string, number>();
  readonly #smoothing: number;

  constructor(smoothing = DEFAULT_LATENCY_SMOOTHING) {
    this.#smoothing = smoothing;
  }

  /** In-flight leases on `engineId`. */
  inFlight(engineId: string): number {
    return this.#inFlight.get(engineId) ?? 0;
  }

  /** Observed latency (EWMA) of `engineId`, undefined before its first successful release. */
  latencyMs(engineId: string): number | undefined {
    return this.#latencyMs.get(engineId);
  }

  /** Count one more lease on `engineId`. */
  acquire(engineId: string): void {
    this.#inFlight.set(engineId, this.inFlight(engineId) + 1);
  }

  /** Count one lease less on `engineId` and fold a successful outcome's latency into the EWMA. */
  release(engineId: string, outcome: LeaseOutcome | undefined): void {
    const remaining = this.inFlight(engineId) - 1;
    if (remaining > 0) this.#inFlight.set(engineId, remaining);
    else this.#inFlight.delete(engineId);
    const latency = outcome?.latencyMs;
    if (outcome?.ok && latency !== undefined && Number.isFinite(latency) && latency >= 0) {
      const previous = this.#latencyMs.get(engineId);
      this.#latencyMs.set(
        engineId,
        previous === undefined ? latency : previous + this.#smoothing * (latency - previous),
      );
    }
  }

  /** In-flight leases per engine (engines with none omitted). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#inFlight);
  }

  /** The policy view of `engine` with `inFlight` leases (defaults to the tracked count). */
  view(engine: SchedulableEngine, inFlight = this.inFlight(engine.engineId)): CandidateView {
    return {
      engine,
      inFlight,
      load: engine.maxConcurrentRequests > 0 ? inFlight / engine.maxConcurrentRequests : 1,
      latencyMs: this.latencyMs(engine.engineId),
    };
  }
}

import type { Logger } from 'pino';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { RequestSlots } from '../scheduling/request-slots.js';
import type { EngineState } from './engine-state.js';

/** What every route needs: the engine's state, its request slots, metrics and logger. */
export interface RouteContext {
  state: EngineState;
  slots: RequestSlots;
  metrics: EngineMetrics;
  logger: Logger;
  /** Aborts in-flight requests when a shutdown's grace period is over. */
  shutdownSignal: AbortSignal;
  /** Milliseconds since the epoch (injected for tests). */
  now: () => number;
}

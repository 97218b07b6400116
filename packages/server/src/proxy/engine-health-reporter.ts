import type { ControlPlane } from '@sage/control-plane';
import type { Logger } from 'pino';

/**
 * Feeds server-side request failures (5xx answers, refused or reset connections) into engine
 * health: after `threshold` consecutive failures a RUNNING engine is marked UNHEALTHY, so it gets
 * no new traffic; the manager's health loop then restores it (RUNNING) or restarts it. A success
 * resets the count. Client errors (4xx) never count.
 */
export class EngineHealthReporter {
  readonly #manager: ControlPlane;
  readonly #threshold: number;
  readonly #logger: Logger;
  readonly #failures = new Map<string, number>();

  constructor(options: { manager: ControlPlane; threshold: number; logger: Logger }) {
    if (!(Number.isInteger(options.threshold) && options.threshold >= 1)) {
      throw new TypeError(`requestFailureThreshold must be a positive integer, got ${options.threshold}`);
    }
    this.#manager = options.manager;
    this.#threshold = options.threshold;
    this.#logger = options.logger;
  }

  /** The engine answered (any status below 500). */
  success(engineId: string): void {
    if (this.#failures.size > 0) this.#failures.delete(engineId);
  }

  /** A server-side failure on `engineId`; `reason` goes to the log and the state change. */
  failure(engineId: string, reason: string): void {
    const count = (this.#failures.get(engineId) ?? 0) + 1;
    if (count < this.#threshold) {
      this.#failures.set(engineId, count);
      return;
    }
    this.#failures.delete(engineId);
    const detail = `${count} consecutive failed requests (last: ${reason})`;
    if (this.#manager.reportEngineFailure(engineId, detail)) {
      this.#logger.warn({ engineId, reason: detail }, 'engine-marked-unhealthy');
    }
  }
}

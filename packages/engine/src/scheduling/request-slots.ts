import { QueueFullError } from '../errors.js';

/** Gives back a slot. Calling it more than once has no effect. */
export type ReleaseSlot = () => void;

interface Waiter {
  grant: (release: ReleaseSlot) => void;
  reject: (error: unknown) => void;
}

/**
 * At most `capacity` requests run at once; up to `maxQueue` more wait in arrival order; past
 * that, {@link acquire} throws {@link QueueFullError} (HTTP 429). A waiter whose signal aborts
 * (its client went away) leaves the queue.
 *
 * @example
 * const slots = new RequestSlots(1, 4);
 * const release = await slots.acquire(request.signal);
 * try { await generate(); } finally { release(); }
 */
export class RequestSlots {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private readonly idleListeners: Array<() => void> = [];

  constructor(
    readonly capacity: number,
    readonly maxQueue: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`capacity must be a positive integer, got ${capacity}`);
    if (!Number.isInteger(maxQueue) || maxQueue < 0)
      throw new Error(`maxQueue must be a non-negative integer, got ${maxQueue}`);
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  acquire(signal: AbortSignal): Promise<ReleaseSlot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.capacity) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueue)
      return Promise.reject(new QueueFullError(this.active, this.queue.length));
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal.reason);
        this.notifyIfIdle();
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Resolves once nothing runs or waits. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleListeners.push(resolve));
  }

  private releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) {
        next.grant(this.releaser());
        return;
      }
      this.active -= 1;
      this.notifyIfIdle();
    };
  }

  private notifyIfIdle(): void {
    if (this.active !== 0 || this.queue.length !== 0) return;
    for (const listener of this.idleListeners.splice(0)) listener();
  }
}

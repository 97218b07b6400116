import { ValidationError } from '@sage/protocol';
import type { QueuedRequest } from './policies/scheduling-policy.js';
import { QueueFullError } from './scheduler-errors.js';

/** What the queue needs of an entry: the request it stands for. */
export interface QueueItem {
  readonly request: QueuedRequest;
}

/**
 * The bounded waiting room of the scheduler, keyed by request id. It keeps arrival order; the
 * active policy decides dispatch order at each round. An entry leaves only through `remove`, so
 * every entry is accounted for by whoever removes it.
 */
export class RequestQueue<Item extends QueueItem> {
  readonly #items = new Map<string, Item>();

  /** @param capacity The most requests that may wait at once. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new ValidationError({
        message: `queueCapacity must be a positive integer, got ${capacity}`,
        path: 'queueCapacity',
      });
    }
  }

  /** Requests waiting now. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * Add `item` at the back.
   * @throws QueueFullError at capacity; ValidationError when its request id is already queued.
   */
  add(item: Item): void {
    const { requestId } = item.request;
    if (this.#items.has(requestId)) {
      throw new ValidationError({
        message: `request id '${requestId}' is already queued; request ids must be unique`,
        path: 'requestId',
      });
    }
    if (this.#items.size >= this.capacity) throw new QueueFullError(this.capacity);
    this.#items.set(requestId, item);
  }

  /** The entry for `requestId`, if still queued. */
  get(requestId: string): Item | undefined {
    return this.#items.get(requestId);
  }

  /** Take the entry for `requestId` out; undefined when it already left (so it is settled once). */
  remove(requestId: string): Item | undefined {
    const item = this.#items.get(requestId);
    if (item) this.#items.delete(requestId);
    return item;
  }

  /** The waiting entries in arrival order (a copy). */
  items(): Item[] {
    return [...this.#items.values()];
  }

  /** The waiting entries in arrival order, without a copy (do not change the queue while iterating). */
  [Symbol.iterator](): IterableIterator<Item> {
    return this.#items.values();
  }
}

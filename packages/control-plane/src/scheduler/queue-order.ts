import { urgency } from './policies/candidate-ranking.js';
import type { PolicyContext, QueuedRequest, SchedulingPolicy } from './policies/scheduling-policy.js';
import type { QueueItem } from './request-queue.js';

/**
 * The queue kept in one policy's order between rounds, updated on enqueue and dequeue, so a round
 * that dispatches one request does not sort (or even touch) the other queued ones.
 */
export interface QueueOrder<Item extends QueueItem> {
  add(item: Item): void;
  remove(item: Item): void;
  /** The items in the policy's order at `now` (valid until the next `add` or `remove`). */
  ordered(now: number): Iterable<Item>;
}

/** The context a `stableOrder` policy's comparator gets (it must not look at it). */
const ORDER_CONTEXT: PolicyContext = Object.freeze({ now: 0, queue: [], engines: [] });

/** A sorted array for a `stableOrder` policy: binary-search insert and remove. */
class SortedOrder<Item extends QueueItem> implements QueueOrder<Item> {
  readonly #items: Item[];
  readonly #compare: (a: QueuedRequest, b: QueuedRequest) => number;

  constructor(policy: SchedulingPolicy, items: Iterable<Item>) {
    this.#compare = (a, b) => policy.compare(a, b, ORDER_CONTEXT);
    this.#items = [...items].sort((a, b) => this.#compare(a.request, b.request));
  }

  /** First index whose entry `item` sorts before. */
  #indexOf(item: Item): number {
    const items = this.#items;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#compare((items[middle] as Item).request, item.request) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  add(item: Item): void {
    this.#items.splice(this.#indexOf(item), 0, item);
  }

  remove(item: Item): void {
    const items = this.#items;
    const index = this.#indexOf(item);
    if (items[index] === item) items.splice(index, 1);
    else {
      const fallback = items.indexOf(item);
      if (fallback >= 0) items.splice(fallback, 1);
    }
  }

  ordered(): Iterable<Item> {
    return this.#items;
  }
}

/** Bucket key of a request without a deadline. */
const NO_DEADLINE = Number.NaN;

/**
 * The `deadlineOrder` (SLO urgency, then arrival) kept incrementally: one bucket per distinct
 * deadline, each in arrival order. Within a bucket urgency (elapsed ÷ deadline, capped at 1) never
 * increases from one request to the next, so a round merges the buckets' heads: the first request
 * costs one urgency per bucket, not a sort of the queue.
 */
class DeadlineOrder<Item extends QueueItem> implements QueueOrder<Item> {
  readonly #buckets = new Map<number, Item[]>();

  constructor(items: Iterable<Item>) {
    for (const item of items) this.add(item);
  }

  add(item: Item): void {
    const key = item.request.deadlineMs ?? NO_DEADLINE;
    const bucket = this.#buckets.get(key);
    if (!bucket) {
      this.#buckets.set(key, [item]);
      return;
    }
    const last = bucket[bucket.length - 1] as Item;
    if (last.request.sequence < item.request.sequence) bucket.push(item);
    else bucket.splice(sequenceIndex(bucket, item.request.sequence), 0, item);
  }

  remove(item: Item): void {
    const key = item.request.deadlineMs ?? NO_DEADLINE;
    const bucket = this.#buckets.get(key);
    if (!bucket) return;
    const index = bucket[0] === item ? 0 : sequenceIndex(bucket, item.request.sequence);
    if (bucket[index] !== item) return;
    if (bucket.length === 1) this.#buckets.delete(key);
    else if (index === 0) bucket.shift();
    else bucket.splice(index, 1);
  }

  *ordered(now: number): Iterable<Item> {
    const buckets = [...this.#buckets.values()];
    const heads = new Array<number>(buckets.length).fill(0);
    for (;;) {
      let best = -1;
      let bestUrgency = -1;
      let bestSequence = 0;
      for (let at = 0; at < buckets.length; at += 1) {
        const item = (buckets[at] as Item[])[heads[at] as number];
        if (item === undefined) continue;
        const level = urgency(item.request, now);
        if (level > bestUrgency || (level === bestUrgency && item.request.sequence < bestSequence)) {
          best = at;
          bestUrgency = level;
          bestSequence = item.request.sequence;
        }
      }
      if (best < 0) return;
      const bucket = buckets[best] as Item[];
      yield bucket[heads[best] as number] as Item;
      heads[best] = (heads[best] as number) + 1;
    }
  }
}

/** Index of the first item of `bucket` (sorted by sequence) whose sequence is ≥ `sequence`. */
function sequenceIndex<Item extends QueueItem>(bucket: readonly Item[], sequence: number): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((bucket[middle] as Item).request.sequence < sequence) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The incremental order for `policy` over `items`, or undefined when its order depends on more
 * than the clock (the round then sorts).
 */
export function queueOrderFor<Item extends QueueItem>(
  policy: SchedulingPolicy,
  items: Iterable<Item>,
): QueueOrder<Item> | undefined {
  if (policy.delegate !== undefined) return undefined;
  if (policy.stableOrder === true) return new SortedOrder(policy, items);
  if (policy.deadlineOrder === true) return new DeadlineOrder(items);
  return undefined;
}

import { describe, expect, it } from 'vitest';
import { QueueFullError } from '../errors.js';
import { RequestSlots } from './request-slots.js';

const never = () => new AbortController().signal;

describe('RequestSlots', () => {
  it('runs up to capacity at once and queues the rest in arrival order', async () => {
    const slots = new RequestSlots(1, 2);
    const first = await slots.acquire(never());
    const order: string[] = [];
    const second = slots.acquire(never()).then((release) => {
      order.push('second');
      return release;
    });
    const third = slots.acquire(never()).then((release) => {
      order.push('third');
      return release;
    });
    expect([slots.running, slots.waiting]).toEqual([1, 2]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect([slots.running, slots.waiting]).toEqual([0, 0]);
  });

  it('rejects with QueueFullError once the wait queue is full', async () => {
    const slots = new RequestSlots(1, 1);
    await slots.acquire(never());
    void slots.acquire(never());
    const error = await slots.acquire(never()).catch((caught: unknown) => caught);
    expect(QueueFullError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ running: 1, waiting: 1 });
  });

  it('drops a waiter whose signal aborts, and a double release frees only one slot', async () => {
    const slots = new RequestSlots(1, 4);
    const release = await slots.acquire(never());
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(slots.waiting).toBe(0);
    release();
    release();
    expect(slots.running).toBe(0);
    await slots.idle();
  });
});

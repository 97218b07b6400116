import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from './deadline.js';

describe('createDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('aborts with cause "timeout" when the time is up', () => {
    const deadline = createDeadline(1000);
    vi.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.cause()).toBe('timeout');
  });

  it('refresh() restarts the timer (the wait for the next stream event)', () => {
    const deadline = createDeadline(1000);
    vi.advanceTimersByTime(800);
    deadline.refresh();
    vi.advanceTimersByTime(800);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(200);
    expect(deadline.cause()).toBe('timeout');
  });

  it('follows the caller signal and keeps its reason', () => {
    const controller = new AbortController();
    const deadline = createDeadline(1000, controller.signal);
    controller.abort(new Error('user gave up'));
    expect(deadline.cause()).toBe('caller');
    expect(deadline.signal.reason).toEqual(new Error('user gave up'));
    vi.advanceTimersByTime(2000);
    expect(deadline.cause()).toBe('caller');
  });

  it('starts aborted for an already aborted caller signal; clear() stops the timer', () => {
    expect(createDeadline(1000, AbortSignal.abort()).cause()).toBe('caller');
    const deadline = createDeadline(1000);
    deadline.clear();
    vi.advanceTimersByTime(5000);
    expect(deadline.cause()).toBeNull();
    deadline.abort();
    expect(deadline.cause()).toBe('cancelled');
  });
});

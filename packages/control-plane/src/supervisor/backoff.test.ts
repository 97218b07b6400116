import { describe, expect, it } from 'vitest';
import { restartBackoffMs } from './backoff.js';

describe('restartBackoffMs', () => {
  it('doubles from the base: 1 s, 2 s, 4 s, 8 s', () => {
    expect([1, 2, 3, 4].map((attempt) => restartBackoffMs(attempt, 1000))).toEqual([1000, 2000, 4000, 8000]);
  });
  it('is capped by the maximum and zero before the first attempt', () => {
    expect(restartBackoffMs(10, 1000, 5000)).toBe(5000);
    expect(restartBackoffMs(0, 1000)).toBe(0);
  });
});

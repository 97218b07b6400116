import { describe, expect, it } from 'vitest';
import { ModelUsage } from './model-usage.js';

describe('ModelUsage', () => {
  it('remembers the last use and the RUNNING time of an engine until it is forgotten', () => {
    const usage = new ModelUsage();
    usage.running('a', 10);
    usage.touch('a', 25);
    expect(usage.lastUsedAt('a', 0)).toBe(25);
    expect(usage.runningSince('a')).toBe(10);
    usage.stopped('a');
    expect(usage.runningSince('a')).toBeNull();
    expect(usage.lastUsedAt('a', 0)).toBe(25);
    usage.forget('a');
    expect(usage.lastUsedAt('a', 7)).toBe(7);
    expect(usage.size).toBe(0);
  });

  it('keeps at most maxEngines engines, dropping the least recently used first', () => {
    const usage = new ModelUsage({ maxEngines: 3 });
    usage.running('a', 1);
    usage.touch('b', 2);
    usage.touch('c', 3);
    usage.touch('a', 4); // a is now the most recently used
    usage.touch('d', 5);
    expect(usage.size).toBe(3);
    expect(usage.lastUsedAt('b', -1)).toBe(-1);
    expect(usage.lastUsedAt('a', -1)).toBe(4);
    expect(usage.runningSince('a')).toBe(1);
    for (let index = 0; index < 1000; index += 1) usage.touch(`engine-${index}`, index);
    expect(usage.size).toBe(3);
    expect(usage.runningSince('a')).toBeNull();
  });
});

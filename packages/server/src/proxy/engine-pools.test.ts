import { describe, expect, it } from 'vitest';
import { EnginePools } from './engine-pools.js';

const options = {
  connectionsPerEngine: 4,
  keepAliveTimeoutMs: 1000,
  headersTimeoutMs: 1000,
  bodyTimeoutMs: 1000,
};

describe('EnginePools', () => {
  it('keeps one pool per engine, replaced when its address changes and dropped when it goes away', async () => {
    const pools = new EnginePools(options);
    const first = pools.get('engine-a', '127.0.0.1', 9001);
    expect(pools.get('engine-a', '127.0.0.1', 9001)).toBe(first);
    const moved = pools.get('engine-a', '127.0.0.1', 9002);
    expect(moved).not.toBe(first);
    expect(first.destroyed).toBe(true);
    pools.get('engine-b', '::1', 9003);
    expect(pools.engineIds()).toEqual(['engine-a', 'engine-b']);
    pools.drop('engine-a');
    expect(pools.engineIds()).toEqual(['engine-b']);
    await pools.close();
    expect(pools.engineIds()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { PrefixCacheIndex } from './prefix-cache-index.js';

describe('PrefixCacheIndex', () => {
  it('counts the leading chunks each engine holds and stops at the first miss', () => {
    const index = new PrefixCacheIndex(100);
    index.record('a', [1, 2, 3, 4]);
    index.record('b', [1, 2, 9]);
    expect(Object.fromEntries(index.match([1, 2, 3, 5]))).toEqual({ a: 3, b: 2 });
    expect(Object.fromEntries(index.match([7, 1, 2]))).toEqual({});
  });

  it('evicts the least recently routed chunks beyond its capacity', () => {
    const index = new PrefixCacheIndex(3);
    index.record('a', [1, 2, 3]);
    index.record('a', [1, 8]);
    // 2 and 3 were older than the refreshed 1: 2 is evicted.
    expect(index.size('a')).toBe(3);
    expect(Object.fromEntries(index.match([1, 2, 3]))).toEqual({ a: 1 });
    expect(Object.fromEntries(index.match([1, 8]))).toEqual({ a: 2 });
  });

  it('forgets an engine and takes a reported cache as the whole truth', () => {
    const index = new PrefixCacheIndex(10);
    index.record('a', [1, 2]);
    index.replace('a', [5]);
    expect(Object.fromEntries(index.match([1, 2]))).toEqual({});
    expect(Object.fromEntries(index.match([5]))).toEqual({ a: 1 });
    index.forget('a');
    expect(index.empty).toBe(true);
  });

  it('rejects a non-positive capacity naming the option', () => {
    expect(() => new PrefixCacheIndex(0)).toThrow(/prefixCacheChunks/);
  });
});

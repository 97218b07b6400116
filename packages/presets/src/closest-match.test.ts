import { describe, expect, it } from 'vitest';
import { closestMatch } from './closest-match.js';

const keys = ['name', 'model', 'kind', 'tensor_parallel', 'pipeline_parallel', 'use_gpu', 'gpu_ids'];

describe('closestMatch', () => {
  it.each([
    ['tensor_paralel', 'tensor_parallel'],
    ['modle', 'model'],
    ['usegpu', 'use_gpu'],
    ['Model', 'model'],
    ['gpu_id', 'gpu_ids'],
  ])('suggests %s → %s', (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });

  it.each(['colour', 'device', 'x'])('suggests nothing for %s', (word) => {
    expect(closestMatch(word, keys)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseProcessGroup, processGroupOf } from './process-group.js';

describe('processGroupOf', () => {
  it.each([
    ['4243 (python3) S 4242 4242 4242 0 -1 4194560', 4242],
    ['77 (vllm (worker) 1) R 1 70 70 0', 70],
    ['garbage', null],
  ])('reads the process group from %j', (stat, expected) => {
    expect(parseProcessGroup(stat)).toBe(expected);
  });

  it('returns null for a pid that does not exist', () => {
    expect(processGroupOf(2 ** 30)).toBeNull();
  });
});

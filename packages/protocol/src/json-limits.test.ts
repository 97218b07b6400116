import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { nestsDeeperThan, parseJsonBody } from './json-limits.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('nestsDeeperThan', () => {
  it.each([
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    ['"[[[[[[[[[["', 2, false],
    ['{"a":"\\"[[[[[["}', 1, false],
    ['{"é":"ü[[[[","x":[]}', 2, false],
    [`${'['.repeat(100)}${']'.repeat(100)}`, 64, true],
  ])('%s deeper than %i: %s', (text, depth, deeper) => {
    expect(nestsDeeperThan(bytes(text), depth)).toBe(deeper);
  });
});

describe('parseJsonBody', () => {
  it('parses ordinary bodies', () => {
    expect(parseJsonBody(bytes('{"messages":[{"content":"hi"}]}'), { maxDepth: 8 })).toEqual({
      messages: [{ content: 'hi' }],
    });
  });

  it('refuses a 40 KB nested body with a 400 that names the limit, before parsing', () => {
    const deep = bytes(`{"model":"m","messages":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    const error = (() => {
      try {
        parseJsonBody(deep, { maxDepth: 64, setting: 'limits.max_json_depth' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'the request body nests JSON deeper than 64 levels (limits.max_json_depth)',
    );
  });

  it('says when a body is empty or not JSON', () => {
    expect(() => parseJsonBody(bytes('  '), { maxDepth: 8 })).toThrow(/empty/);
    expect(() => parseJsonBody(bytes('{"a":'), { maxDepth: 8 })).toThrow(/not valid JSON/);
  });
});

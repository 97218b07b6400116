import { describe, expect, it } from 'vitest';
import { PromptTooLongError } from '../errors.js';
import { longestTokenChars, PROMPT_CHUNK_CHARS, PromptBound, promptChunks } from './prompt-bound.js';

describe('longestTokenChars', () => {
  it('reads the longest normal token; byte tokens count 1 and control tokens nothing', () => {
    expect(longestTokenChars(['<s>', '</s>', '▁', '<0x41>', '<0xFF>'], [3, 3, 1, 6, 6])).toBe(1);
    expect(longestTokenChars(['<|endoftext|>', 'Ġhello', 'ĠĠĠĠĠĠĠĠ'], [3, 1, 1])).toBe(8);
    expect(longestTokenChars(undefined, undefined)).toBe(128);
  });
});

describe('promptChunks', () => {
  it('splits before a space near the end of a piece, and never inside a surrogate pair', () => {
    const chunks = promptChunks('aaaa bbbb cccc', 6);
    expect(chunks.join('')).toBe('aaaa bbbb cccc');
    expect(chunks.every((chunk) => chunk.length <= 6)).toBe(true);
    const emoji = promptChunks('a😀😀😀', 2);
    expect(emoji.join('')).toBe('a😀😀😀');
    for (const chunk of emoji)
      expect(chunk.charCodeAt(0) >= 0xdc00 && chunk.charCodeAt(0) <= 0xdfff).toBe(false);
  });
});

describe('PromptBound', () => {
  const counted: number[] = [];
  const bound = (contextSize: number, maxTokenChars = 1) =>
    new PromptBound({
      contextSize,
      maxTokenChars,
      countTokens: (text) => {
        counted.push(text.length);
        return text.length;
      },
    });

  it('refuses a prompt that cannot fit before counting anything', async () => {
    counted.length = 0;
    const error = await bound(512)
      .check(['x'.repeat(1_000_000)])
      .catch((caught: unknown) => caught);
    expect(PromptTooLongError.isInstance(error)).toBe(true);
    expect((error as PromptTooLongError).promptTokens).toBe(1_000_000);
    expect(counted).toEqual([]);
  });

  it('counts a long prompt in pieces and stops once it cannot fit', async () => {
    counted.length = 0;
    const contextSize = 10 * PROMPT_CHUNK_CHARS;
    const error = await bound(contextSize, 4)
      .check(['x'.repeat(40 * PROMPT_CHUNK_CHARS)], 'input.3')
      .catch((caught: unknown) => caught);
    expect(PromptTooLongError.isInstance(error)).toBe(true);
    expect((error as PromptTooLongError).param).toBe('input.3');
    expect(counted.every((length) => length <= PROMPT_CHUNK_CHARS && length > 0)).toBe(true);
    // Stopped early: far less than the whole prompt was tokenised.
    expect(counted.reduce((sum, length) => sum + length, 0)).toBeLessThan(12 * PROMPT_CHUNK_CHARS);
  });

  it('lets a prompt that fits through', async () => {
    await expect(bound(8192).check(['short', 'x'.repeat(5000)])).resolves.toBeUndefined();
  });
});

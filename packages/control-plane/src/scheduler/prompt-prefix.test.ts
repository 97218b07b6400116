import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHUNKS, PROMPT_CHUNK_CHARS, promptPrefixHashes } from './prompt-prefix.js';

const system = { role: 'system', content: 'You are a careful assistant. '.repeat(40) };

describe('promptPrefixHashes', () => {
  it('gives two chats with the same system prompt the same leading hashes, then diverges', () => {
    const a = promptPrefixHashes({
      messages: [system, { role: 'user', content: 'first question '.repeat(30) }],
    });
    const b = promptPrefixHashes({
      messages: [system, { role: 'user', content: 'other question '.repeat(30) }],
    });
    const shared = Math.floor(system.content.length / PROMPT_CHUNK_CHARS);
    expect(a.slice(0, shared)).toEqual(b.slice(0, shared));
    expect(a.at(-1)).not.toBe(b.at(-1));
  });

  it('covers every message, not just the first, and the tools', () => {
    const turn1 = { messages: [system, { role: 'user', content: 'q '.repeat(200) }] };
    const turn2 = { messages: [...turn1.messages, { role: 'assistant', content: 'a '.repeat(200) }] };
    const first = promptPrefixHashes(turn1);
    const second = promptPrefixHashes(turn2);
    expect(second.length).toBeGreaterThan(first.length);
    expect(second.slice(0, first.length)).toEqual(first);
    const withTools = promptPrefixHashes({
      ...turn1,
      tools: [{ type: 'function', function: { name: 'x' } }],
    });
    expect(withTools[0]).not.toBe(first[0]);
  });

  it('hashes completion prompts, skips a trailing partial chunk and bounds the work', () => {
    expect(promptPrefixHashes({ prompt: 'x'.repeat(PROMPT_CHUNK_CHARS - 1) })).toEqual([]);
    expect(promptPrefixHashes({ prompt: 'x'.repeat(PROMPT_CHUNK_CHARS * 2 + 5) })).toHaveLength(2);
    expect(
      promptPrefixHashes({ prompt: 'x'.repeat(PROMPT_CHUNK_CHARS * (MAX_PROMPT_CHUNKS + 10)) }),
    ).toHaveLength(MAX_PROMPT_CHUNKS);
    expect(promptPrefixHashes({})).toEqual([]);
  });
});

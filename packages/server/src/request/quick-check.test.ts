import { ChatCompletionRequest, CompletionRequest, EmbeddingRequest } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  QUICK_CHECKED_FIELDS,
  quickCheckChat,
  quickCheckCompletion,
  quickCheckEmbedding,
} from './quick-check.js';

/** Values that exercise every type and bound the schemas test. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  1,
  1.5,
  2,
  2.5,
  3,
  1e20,
  -0,
  '',
  'x',
  'float',
  'base64',
  'user',
  [],
  [''],
  ['a', 'b'],
  ['a', 'b', 'c', 'd', 'e'],
  [1],
  [1.5],
  [1, 'a'],
  [[1, 2]],
  [[]],
  [[1.5]],
  [['a']],
  {},
  { include_usage: true },
  { include_usage: 'yes' },
  { type: 'text' },
  [{}],
  [{ type: 'text', text: 'x' }],
  [{ type: 1 }],
  [{ role: 'user', content: 'hi' }],
  [{ role: 'user' }],
  [{ role: 'robot', content: 'hi' }],
  [{ role: 'user', content: 5 }],
  [{ role: 'user', content: null, name: 'n' }],
  [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
  [{ role: 'user', content: [{ text: 'x' }] }],
  [{ role: 'tool', content: 'x', name: 7 }],
  [{ role: 'user', content: 'a' }, 'not a message'],
];

interface Case {
  name: string;
  schema: z.ZodType;
  check: (body: unknown) => boolean;
  fields: readonly string[];
  valid: Record<string, unknown>[];
}

const CASES: Case[] = [
  {
    name: 'chat',
    schema: ChatCompletionRequest,
    check: quickCheckChat,
    fields: QUICK_CHECKED_FIELDS.chat,
    valid: [
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      {
        model: 'm',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: [{ type: 'text', text: 'x' }], name: 'u' },
          { role: 'assistant', content: null },
        ],
        max_tokens: 16,
        max_completion_tokens: null,
        temperature: 0.7,
        top_p: 1,
        seed: -3,
        stop: ['\n'],
        stream: true,
        stream_options: { include_usage: true },
        n: 1,
        user: 'me',
        tools: [{ type: 'function' }],
      },
    ],
  },
  {
    name: 'completion',
    schema: CompletionRequest,
    check: quickCheckCompletion,
    fields: QUICK_CHECKED_FIELDS.completion,
    valid: [
      { model: 'm', prompt: 'hello' },
      { prompt: ['a', 'b'], stop: 'x', stream: null, temperature: 0, logprobs: 2 },
    ],
  },
  {
    name: 'embedding',
    schema: EmbeddingRequest,
    check: quickCheckEmbedding,
    fields: QUICK_CHECKED_FIELDS.embedding,
    valid: [
      { model: 'm', input: 'The quick brown fox' },
      { input: ['a', 'b'], encoding_format: 'float', dimensions: 8, user: 'u' },
      { input: [1, 2, 3] },
      { input: [[1, 2], [3]], encoding_format: 'base64' },
    ],
  },
];

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe.each(CASES)('quick check of $name bodies', ({ schema, check, fields, valid }) => {
  it('reads exactly the fields its schema declares', () => {
    const shape = (schema as unknown as { shape: Record<string, unknown> }).shape;
    expect([...fields].sort()).toEqual(Object.keys(shape).sort());
  });

  it('accepts the usual valid bodies (the fast path is taken)', () => {
    for (const body of valid) {
      expect(schema.safeParse(body).success, JSON.stringify(body)).toBe(true);
      expect(check(body), JSON.stringify(body)).toBe(true);
    }
  });

  it('never accepts a body the schema rejects: every field set to every value', () => {
    let accepted = 0;
    for (const base of valid) {
      for (const field of fields) {
        for (const value of VALUES) {
          const body = { ...base, [field]: value };
          if (value === undefined) delete body[field];
          if (check(body)) {
            accepted += 1;
            expect(schema.safeParse(body).success, JSON.stringify(body)).toBe(true);
          }
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('never accepts a body the schema rejects: random combinations of fields', () => {
    const next = random(42);
    for (let run = 0; run < 5_000; run += 1) {
      const body: Record<string, unknown> = { ...valid[Math.floor(next() * valid.length)] };
      const changes = 1 + Math.floor(next() * 4);
      for (let i = 0; i < changes; i += 1) {
        const field = fields[Math.floor(next() * fields.length)] as string;
        const value = VALUES[Math.floor(next() * VALUES.length)];
        if (value === undefined) delete body[field];
        else body[field] = value;
      }
      if (check(body)) expect(schema.safeParse(body).success, JSON.stringify(body)).toBe(true);
    }
  });

  it('refuses what is not an object', () => {
    for (const body of [null, [], 'x', 1, true, undefined]) expect(check(body)).toBe(false);
  });
});

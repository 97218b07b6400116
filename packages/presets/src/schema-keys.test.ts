import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PresetSchema } from './preset-schema.js';
import { knownKeysAt } from './schema-keys.js';

describe('knownKeysAt', () => {
  it('finds the keys of the root and of an engine', () => {
    expect(knownKeysAt(PresetSchema, [])).toEqual(['version', 'name', 'description', 'engines', 'models']);
    expect(knownKeysAt(PresetSchema, ['engines', 3])).toContain('tensor_parallel');
  });

  it('looks through optional, default, nullable, pipe and lazy wrappers', () => {
    const inner = z.strictObject({ a: z.string() });
    const schema = z.object({
      wrapped: inner.optional().nullable().default({ a: 'x' }),
      piped: inner.pipe(z.transform((value) => value)),
      lazy: z.lazy(() => inner),
      map: z.record(z.string(), inner),
    });
    for (const path of [['wrapped'], ['piped'], ['lazy'], ['map', 'any']]) {
      expect(knownKeysAt(schema, path)).toEqual(['a']);
    }
  });

  it('returns undefined where the path does not lead to an object', () => {
    expect(knownKeysAt(PresetSchema, ['name'])).toBeUndefined();
    expect(knownKeysAt(PresetSchema, ['nope', 'deeper'])).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltinPresets } from './builtin-presets.js';
import { presetJsonSchema } from './json-schema.js';

const committedPath = new URL('../schema/preset.schema.json', import.meta.url);

interface ObjectJsonSchema {
  additionalProperties?: unknown;
  required?: string[];
  properties: Record<string, unknown>;
}
const engineSchema = (presetJsonSchema as unknown as { properties: { engines: { items: ObjectJsonSchema } } })
  .properties.engines.items;

describe('presetJsonSchema', () => {
  it('equals the committed schema/preset.schema.json (run scripts/write-json-schema.ts to update)', () => {
    expect(JSON.parse(readFileSync(committedPath, 'utf8'))).toEqual(presetJsonSchema);
  });

  it('is draft-07, closed, and requires only the fields without defaults', () => {
    expect(presetJsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(presetJsonSchema.additionalProperties).toBe(false);
    expect(presetJsonSchema.required).toEqual(['version', 'name']);
    expect(engineSchema.additionalProperties).toBe(false);
    expect(engineSchema.required).toEqual(['name', 'model']);
  });

  it('describes every key the built-in presets use', () => {
    const engineKeys = Object.keys(engineSchema.properties);
    for (const preset of listBuiltinPresets()) {
      for (const engine of preset.engines) {
        expect(engineKeys).toEqual(expect.arrayContaining(Object.keys(engine)));
      }
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltinPresets } from './builtin-presets.js';
import { PresetEngineSchema, PresetSchema } from './preset-schema.js';

const documentation = readFileSync(new URL('../../../docs/presets.md', import.meta.url), 'utf8');

/** The keys documented as rows of a table: lines starting with "| `key` |". */
const documentedKeys = new Set([...documentation.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((match) => match[1]));

describe('docs/presets.md', () => {
  it.each([...Object.keys(PresetSchema.shape), ...Object.keys(PresetEngineSchema.shape)])(
    'documents the %s field in a table',
    (key) => {
      expect(documentedKeys).toContain(key);
    },
  );

  it.each(listBuiltinPresets().map((preset) => preset.name))('documents the %s built-in', (name) => {
    expect(documentation).toMatch(new RegExp(`^\\| \`${name}\``, 'm'));
  });
});

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { gatewayConfigJsonSchema } from './json-schema.js';

const committedPath = new URL('../../schema/sage.schema.json', import.meta.url);
const examplePath = new URL('../../../../examples/sage.example.yaml', import.meta.url);

function validator() {
  return new Ajv({ allErrors: true, strict: false }).compile(gatewayConfigJsonSchema);
}

describe('gatewayConfigJsonSchema', () => {
  it('equals the committed schema/sage.schema.json (regenerate: pnpm --filter @sage/server schema)', () => {
    expect(
      JSON.parse(readFileSync(committedPath, 'utf8')),
      'packages/server/schema/sage.schema.json is out of date (its lists come from the registries): ' +
        'run `pnpm --filter @sage/server schema` and commit the file',
    ).toEqual(gatewayConfigJsonSchema);
  });

  it('is draft-07 and closed, like the zod schema (a typo is an error)', () => {
    expect(gatewayConfigJsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(gatewayConfigJsonSchema.additionalProperties).toBe(false);
    const validate = validator();
    expect(validate({ port: 8889, scheduling: { policy: 'fifo' } })).toBe(true);
    expect(validate({ prot: 8889 })).toBe(false);
    expect(validate({ port: 'eighty' })).toBe(false);
  });

  it('accepts examples/sage.example.yaml, which documents every option', () => {
    const validate = validator();
    const example = parseYaml(readFileSync(examplePath, 'utf8')) ?? {};
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
  });

  it('covers the model catalog: closed entries that need a name and a model_id', () => {
    const validate = validator();
    expect(validate({ models: [{ name: 'qwen', model_id: 'Qwen/Qwen2.5-0.5B-Instruct', ttl_s: 600 }] })).toBe(
      true,
    );
    expect(validate({ models: [{ name: 'qwen' }] })).toBe(false);
    expect(validate({ models: [{ name: 'qwen', model_id: 'q', ttl: 600 }] })).toBe(false);
    expect(validate({ model_loading: { load_timeout_ms: 5000 } })).toBe(true);
  });
});

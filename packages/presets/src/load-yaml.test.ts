import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigValidationError } from './errors.js';
import { detectConfigFormat, parseWithSchema } from './load-yaml.js';
import { PresetSchema } from './preset-schema.js';

/** Parse `text` as a preset and return the thrown error (fails the test if nothing is thrown). */
function errorOf(text: string, file = 'preset.yaml'): ConfigValidationError {
  try {
    parseWithSchema(text, PresetSchema, { file });
  } catch (error) {
    if (ConfigValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

const header = 'version: 1\nname: mine\nengines:\n';

describe('parseWithSchema', () => {
  it('parses valid YAML and applies defaults', () => {
    const preset = parseWithSchema(`${header}  - name: chat\n    model: sage/tiny-chat\n`, PresetSchema, {
      file: 'mine.yaml',
    });
    expect(preset.engines[0]).toEqual({
      name: 'chat',
      model: 'sage/tiny-chat',
      kind: 'llm',
      tensor_parallel: 1,
      pipeline_parallel: 1,
    });
  });

  it('parses valid JSON', () => {
    const text = JSON.stringify(
      { version: 1, name: 'json', engines: [{ name: 'embed', model: 'BAAI/bge-m3', kind: 'embedding' }] },
      null,
      2,
    );
    const preset = parseWithSchema(text, PresetSchema, { file: 'mine.json' });
    expect(preset.engines[0]?.kind).toBe('embedding');
  });

  it('reports a value of the wrong type at the value', () => {
    const error = errorOf(`${header}  - name: chat\n    model: m\n    tensor_parallel: two\n`);
    expect(error.path).toBe('engines.0.tensor_parallel');
    expect([error.line, error.column]).toEqual([6, 22]);
    expect(error.message).toMatch(
      /^preset\.yaml:6:22: engines\.0\.tensor_parallel: Invalid input: expected number, received string$/,
    );
  });

  it('reports an unknown key at the key and suggests the intended one', () => {
    const error = errorOf(`${header}  - name: chat\n    model: m\n    tensor_paralel: 2\n`);
    expect(error.path).toBe('engines.0.tensor_paralel');
    expect([error.line, error.column]).toEqual([6, 5]);
    expect(error.message).toBe(
      "preset.yaml:6:5: engines.0.tensor_paralel: unknown key 'tensor_paralel' (did you mean 'tensor_parallel'?)",
    );
  });

  it('lists the allowed keys when an unknown key resembles none of them', () => {
    const error = errorOf(`version: 1\nname: mine\ncolour: blue\nengines:\n  - name: a\n    model: m\n`);
    expect([error.line, error.column, error.path]).toEqual([3, 1, 'colour']);
    expect(error.message).toContain(
      "unknown key 'colour' (allowed: version, name, description, engines, models)",
    );
  });

  it('reports a missing required key at the map it is missing from', () => {
    const error = errorOf(`${header}  - name: chat\n    kind: llm\n`);
    expect(error.path).toBe('engines.0.model');
    expect([error.line, error.column]).toEqual([4, 5]);
    expect(error.message).toBe("preset.yaml:4:5: engines.0.model: missing required key 'model'");
  });

  it('reports a bad kind at the value and lists the allowed kinds', () => {
    const error = errorOf(`${header}  - name: chat\n    model: m\n    kind: rerank\n`);
    expect([error.path, error.line, error.column]).toEqual(['engines.0.kind', 6, 11]);
    expect(error.message).toContain('expected one of "llm"|"embedding"');
    expect(error.message).not.toContain('did you mean');
  });

  it('suggests the intended value for a misspelt kind', () => {
    const error = errorOf(`${header}  - name: embed\n    model: m\n    kind: embeddings\n`);
    expect(error.message).toBe(
      'preset.yaml:6:11: engines.0.kind: Invalid option: expected one of "llm"|"embedding" (did you mean \'embedding\'?)',
    );
  });

  it('reports a duplicate engine name at the second name', () => {
    const error = errorOf(`${header}  - name: chat\n    model: a\n  - name: chat\n    model: b\n`);
    expect([error.path, error.line, error.column]).toEqual(['engines.1.name', 6, 11]);
    expect(error.message).toContain("duplicate engine name 'chat' (also engines.0.name)");
  });

  it('reports a YAML syntax error with its line and column', () => {
    const error = errorOf(`${header}  - name: chat\n    model: [a, b\n`);
    expect(error.path).toBe('');
    expect(error.line).toBeGreaterThanOrEqual(5);
    expect(error.message).toMatch(/^preset\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('reports a duplicate YAML key as a syntax error at the second key', () => {
    const error = errorOf(`version: 1\nname: a\nname: b\nengines: []\n`);
    expect([error.line, error.column]).toEqual([3, 1]);
    expect(error.message).toBe('preset.yaml:3:1: invalid YAML: Map keys must be unique');
  });

  it('rejects JSON that only YAML accepts, with the position', () => {
    const error = errorOf('{\n  "version": 1,\n  "name": "x",\n}\n', 'preset.json');
    expect([error.line, error.column]).toEqual([4, 1]);
    expect(error.message).toMatch(/^preset\.json:4:1: invalid JSON: /);
  });

  it('locates errors inside JSON files', () => {
    const text = '{\n  "version": 1,\n  "name": "x",\n  "engines": [{ "name": "a", "model": 7 }]\n}\n';
    const error = errorOf(text, 'preset.json');
    expect([error.path, error.line, error.column]).toEqual(['engines.0.model', 4, 39]);
  });

  it('says when the document is empty', () => {
    const error = errorOf('# nothing here\n');
    expect(error.message).toBe('preset.yaml:1:1: (root): the document is empty (expected object)');
  });

  it('lists every issue in file order, the first one in the fields', () => {
    const error = errorOf(
      `version: 2\nname: mine\nengines:\n  - name: chat\n    model: m\n    use_gpu: yes\n`,
    );
    expect(error.issues.map((issue) => [issue.path, issue.line, issue.column])).toEqual([
      ['version', 1, 10],
      ['engines.0.use_gpu', 6, 14],
    ]);
    expect(error.message.split('\n')).toEqual([
      'preset.yaml:1:10: version: Invalid input: expected 1',
      '  preset.yaml:6:14: engines.0.use_gpu: Invalid input: expected boolean, received string',
    ]);
  });

  it('follows YAML aliases to the node they point at', () => {
    const text = `${header}  - &base\n    name: a\n    model: m\n    kind: nope\n  - *base\n`;
    const error = errorOf(text);
    expect(error.issues).toContainEqual(
      expect.objectContaining({ path: 'engines.1.kind', line: 7, column: 11 }),
    );
  });

  it('works with any zod schema (the gateway reuses it for sage.yaml)', () => {
    const schema = z.strictObject({ gateway: z.strictObject({ port: z.int().max(65535) }) });
    expect(() => parseWithSchema('gateway:\n  port: 70000\n', schema, { file: 'sage.yaml' })).toThrow(
      /^sage\.yaml:2:9: gateway\.port: Too big/,
    );
    expect(parseWithSchema('gateway: { port: 8889 }', schema, { file: 'sage.yaml' })).toEqual({
      gateway: { port: 8889 },
    });
  });
});

describe('ConfigValidationError', () => {
  it('is recognised by isInstance and carries the file', () => {
    const error = errorOf('version: 1\n', 'a/b.yaml');
    expect(ConfigValidationError.isInstance(error)).toBe(true);
    expect(ConfigValidationError.isInstance(new Error('x'))).toBe(false);
    expect(error.file).toBe('a/b.yaml');
    expect(error.name).toBe('ConfigValidationError');
  });
});

describe('detectConfigFormat', () => {
  it.each([
    ['preset.json', 'json'],
    ['PRESET.JSON', 'json'],
    ['preset.yaml', 'yaml'],
    ['preset.yml', 'yaml'],
    ['<stdin>', 'yaml'],
  ])('%s is %s', (file, format) => {
    expect(detectConfigFormat(file)).toBe(format);
  });
});

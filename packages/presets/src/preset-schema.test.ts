import { describe, expect, it } from 'vitest';
import { PresetEngineSchema, PresetSchema } from './preset-schema.js';

const engine = { name: 'chat', model: 'sage/tiny-chat' };

function issuesOf(input: unknown): Array<[string, string]> {
  const result = PresetSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => [issue.path.join('.'), issue.code]);
}

describe('PresetSchema', () => {
  it('applies the defaults: kind llm, tensor and pipeline parallel 1', () => {
    expect(PresetEngineSchema.parse(engine)).toEqual({
      ...engine,
      kind: 'llm',
      tensor_parallel: 1,
      pipeline_parallel: 1,
    });
  });

  it('accepts every field', () => {
    const full = {
      ...engine,
      kind: 'embedding',
      backend: 'hf-embed',
      tensor_parallel: 2,
      pipeline_parallel: 2,
      port: 8090,
      label: 'embed-1',
      max_concurrent_requests: 8,
      use_gpu: null,
      gpu_ids: [0, 1],
      required_memory_gb: 2.5,
      metadata: { team: 'search', nested: { any: [1, 2] } },
      extra_args: ['--trust-remote-code'],
    };
    expect(PresetEngineSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['tensor_parallel', 0],
    ['tensor_parallel', 1.5],
    ['pipeline_parallel', 0],
    ['port', 0],
    ['port', 70000],
    ['max_concurrent_requests', 0],
    ['use_gpu', 'yes'],
    ['gpu_ids', [-1]],
    ['required_memory_gb', 0],
    ['metadata', ['a']],
    ['extra_args', '--flag'],
    ['kind', 'rerank'],
    ['model', ''],
  ])('rejects %s: %j', (field, value) => {
    const issues = issuesOf({ version: 1, name: 'p', engines: [{ ...engine, [field]: value }] });
    expect(issues.map(([path]) => path).some((path) => path.startsWith(`engines.0.${field}`))).toBe(true);
  });

  it('rejects unknown keys at every level', () => {
    expect(issuesOf({ version: 1, name: 'p', engine: [], engines: [{ ...engine, modle: 'x' }] })).toEqual([
      ['engines.0', 'unrecognized_keys'],
      ['', 'unrecognized_keys'],
    ]);
  });

  it('requires version 1 and at least one engine or model', () => {
    expect(issuesOf({ version: 2, name: 'p', engines: [] })).toEqual([
      ['version', 'invalid_value'],
      ['engines', 'custom'],
    ]);
    expect(issuesOf({ version: 1, name: 'p', models: [{ name: 'm', model_id: 'org/m' }] })).toEqual([]);
  });

  it('validates catalog models: unknown keys and duplicate names are reported at their path', () => {
    expect(
      issuesOf({
        version: 1,
        name: 'p',
        models: [
          { name: 'm', model_id: 'org/m', ttl: 5 },
          { name: 'n', model_id: 'org/n', aliases: ['m'] },
        ],
      }),
    ).toEqual([
      ['models.0', 'unrecognized_keys'],
      ['models.1.aliases.0', 'custom'],
    ]);
  });

  it('reports duplicate engine names even when another engine is invalid', () => {
    const issues = issuesOf({ version: 1, name: 'p', engines: [engine, { name: 'x' }, engine] });
    expect(issues).toEqual([
      ['engines.1.model', 'invalid_type'],
      ['engines.2.name', 'custom'],
    ]);
  });
});

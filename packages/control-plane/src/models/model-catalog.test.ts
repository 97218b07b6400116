import { describe, expect, it } from 'vitest';
import { catalogModelFromWire } from './catalog-model.js';
import { ModelCatalog } from './model-catalog.js';

const model = (name: string, extra: Record<string, unknown> = {}) =>
  catalogModelFromWire({ name, model_id: `org/${name}`, ...extra }, { trusted: true });

describe('ModelCatalog', () => {
  it('resolves names and aliases for their kind', () => {
    const catalog = new ModelCatalog([
      model('qwen', { aliases: ['gpt-4o-mini'] }),
      model('bge', { kind: 'embedding' }),
    ]);
    expect(catalog.resolve('gpt-4o-mini', 'llm')?.name).toBe('qwen');
    expect(catalog.resolve('qwen', 'embedding')).toBeUndefined();
    expect(catalog.resolve('bge', 'embedding')?.modelId).toBe('org/bge');
    expect(catalog.resolve('nope')).toBeUndefined();
  });

  it('refuses a name that is another model’s alias, and replaces a model of the same name', () => {
    const catalog = new ModelCatalog([model('qwen', { aliases: ['small'] })]);
    expect(() => catalog.add([model('small')])).toThrow(/already used by model 'qwen'/);
    catalog.add([model('qwen', { aliases: ['tiny'] })]);
    expect(catalog.resolve('small')).toBeUndefined();
    expect(catalog.resolve('tiny')?.name).toBe('qwen');
  });

  it('applies the defaults of the sage.yaml shape', () => {
    expect(model('m')).toMatchObject({
      ttlS: 0,
      minReplicas: 0,
      maxReplicas: 1,
      priority: 'normal',
      pinned: false,
      args: [],
    });
    expect(() => model('m', { min_replicas: 3, max_replicas: 2 })).toThrow(/min_replicas/);
  });
});

import type { EngineKind } from '@sage/protocol';
import { ValidationError } from '@sage/protocol';
import type { CatalogModel } from './catalog-model.js';

/**
 * The models a control plane can load on demand, by name and alias. One job: answer "which
 * catalog model does this name stand for". Names and aliases are unique across the catalog.
 *
 * @example
 * ```ts
 * const catalog = new ModelCatalog([qwen]);
 * catalog.resolve('qwen-small', 'llm')?.modelId; // 'Qwen/Qwen2.5-0.5B-Instruct'
 * ```
 */
export class ModelCatalog {
  readonly #byName = new Map<string, CatalogModel>();
  readonly #byAlias = new Map<string, string>();

  constructor(models: readonly CatalogModel[] = []) {
    this.add(models);
  }

  /**
   * Add models, or replace models of the same name (their aliases move with them).
   * @throws ValidationError when a name or alias is another model's.
   */
  add(models: readonly CatalogModel[]): void {
    const names = new Map<string, string>();
    for (const model of models) {
      for (const name of [model.name, ...model.aliases]) {
        const owner = names.get(name) ?? this.#ownerOf(name);
        if (owner !== undefined && owner !== model.name) {
          throw new ValidationError({
            message: `models: name '${name}' of model '${model.name}' is already used by model '${owner}'`,
            path: 'models',
          });
        }
        names.set(name, model.name);
      }
    }
    for (const model of models) {
      const previous = this.#byName.get(model.name);
      for (const alias of previous?.aliases ?? []) this.#byAlias.delete(alias);
      this.#byName.set(model.name, model);
      for (const alias of model.aliases) this.#byAlias.set(alias, model.name);
    }
  }

  /** The model named `name` (its name, not an alias). */
  get(name: string): CatalogModel | undefined {
    return this.#byName.get(name);
  }

  /** The model `name` stands for (its name or an alias) when it serves `kind`. */
  resolve(name: string, kind?: EngineKind): CatalogModel | undefined {
    const model = this.#byName.get(name) ?? this.#byName.get(this.#byAlias.get(name) ?? '');
    if (model === undefined || (kind !== undefined && model.kind !== kind)) return undefined;
    return model;
  }

  list(): CatalogModel[] {
    return [...this.#byName.values()];
  }

  get size(): number {
    return this.#byName.size;
  }

  #ownerOf(name: string): string | undefined {
    if (this.#byName.has(name)) return name;
    return this.#byAlias.get(name);
  }
}

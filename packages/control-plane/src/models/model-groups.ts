import { type CatalogGroupWire, catalogGroupProblems, togetherSets, ValidationError } from '@sage/protocol';

/**
 * The catalog's groups (`model_groups:` in sage.yaml, docs/models.md): which models a load of one
 * model brings along (`together`), and which it unloads first (`exclusive`).
 *
 * @example
 * ```ts
 * const groups = new ModelGroups([{ name: 'rag', mode: 'together', members: ['chat', 'embed'] }], ['chat', 'embed']);
 * groups.together('chat'); // ['embed']
 * ```
 */
export class ModelGroups {
  readonly #together: Map<string, ReadonlySet<string>>;
  readonly #exclusive = new Map<string, Set<string>>();

  /** @throws ValidationError naming the group when a member is unknown or groups contradict each other. */
  constructor(groups: readonly CatalogGroupWire[] = [], modelNames: readonly string[] = []) {
    const [problem] = catalogGroupProblems(modelNames, groups);
    if (problem) {
      const path = ['model_groups', ...problem.path].join('.');
      throw new ValidationError({ message: `${path}: ${problem.message}`, path });
    }
    this.#together = togetherSets(groups);
    for (const group of groups) {
      if (group.mode !== 'exclusive') continue;
      for (const member of group.members) {
        const others = this.#exclusive.get(member) ?? new Set<string>();
        for (const other of group.members) if (other !== member) others.add(other);
        this.#exclusive.set(member, others);
      }
    }
  }

  /** The models that must run with `name` (itself excluded). */
  together(name: string): string[] {
    return [...(this.#together.get(name) ?? [])].filter((member) => member !== name);
  }

  /** The models that must not run while `name` does. */
  exclusive(name: string): string[] {
    return [...(this.#exclusive.get(name) ?? [])];
  }
}

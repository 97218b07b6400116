/**
 * The series of a labelled metric, found through one Map per label name: the label values are
 * the same string objects request after request (their hashes cached by V8), so a lookup builds
 * nothing. Labels are checked, as prom-client checks them, when their series is first seen.
 */
export class SeriesIndex<L extends string, S> {
  /** Every series, in the order they appeared (prom-client's export order). */
  all: S[] = [];
  readonly #labelNames: readonly L[];
  readonly #create: (labels: Record<L, string>) => S;
  #root = new Map<string, unknown>();

  constructor(labelNames: readonly L[], create: (labels: Record<L, string>) => S) {
    if (labelNames.length === 0) throw new TypeError('a labelled metric needs at least one label name');
    this.#labelNames = labelNames;
    this.#create = create;
  }

  /** The series of `labels` (every label name, string values), made on first use. */
  get(labels: Record<L, string>): S {
    const names = this.#labelNames;
    const last = names.length - 1;
    let node = this.#root;
    for (let index = 0; index < last; index += 1) {
      const value = labels[names[index] as L];
      let next = node.get(value) as Map<string, unknown> | undefined;
      if (!next) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const leaf = labels[names[last] as L];
    return (node.get(leaf) as S | undefined) ?? this.#add(labels, node, leaf);
  }

  clear(): void {
    this.all = [];
    this.#root.clear();
  }

  #add(labels: Record<L, string>, parent: Map<string, unknown>, leaf: string): S {
    for (const name of this.#labelNames) {
      if (typeof labels[name] !== 'string')
        throw new Error(`Invalid label value for ${name}: ${labels[name]}`);
    }
    for (const name in labels) {
      if (!this.#labelNames.includes(name as L)) {
        throw new Error(`Added label "${name}" is not included in initial labelset`);
      }
    }
    const series = this.#create({ ...labels });
    parent.set(leaf, series);
    this.all.push(series);
    return series;
  }
}

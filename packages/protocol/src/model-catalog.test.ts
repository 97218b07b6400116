import { describe, expect, it } from 'vitest';
import {
  type CatalogGroupWire,
  catalogGroupProblems,
  CatalogGroupWire as Group,
  togetherSets,
} from './model-catalog.js';

const group = (name: string, mode: 'together' | 'exclusive', members: string[]): CatalogGroupWire =>
  Group.parse({ name, mode, members });

describe('catalog groups', () => {
  it('accepts groups of known models', () => {
    expect(
      catalogGroupProblems(
        ['a', 'b', 'c'],
        [group('rag', 'together', ['a', 'b']), group('big', 'exclusive', ['b', 'c'])],
      ),
    ).toEqual([]);
  });

  it('names an unknown model at its path, with the catalog', () => {
    expect(catalogGroupProblems(['a', 'b'], [group('g', 'together', ['a', 'x'])])).toEqual([
      { path: [0, 'members', 1], message: "no catalog model 'x' (models: a, b)" },
    ]);
  });

  it('reports models that together groups tie (also through other members) and an exclusive group separates', () => {
    const problems = catalogGroupProblems(
      ['a', 'b', 'c'],
      [
        group('ab', 'together', ['a', 'b']),
        group('bc', 'together', ['b', 'c']),
        group('no', 'exclusive', ['a', 'c']),
      ],
    );
    expect(problems).toEqual([
      {
        path: [2, 'members'],
        message: "'a' and 'c' cannot be exclusive: together groups make them run together",
      },
    ]);
  });

  it('refuses a group of one, a member listed twice and a group name used twice', () => {
    expect(Group.safeParse({ name: 'g', mode: 'together', members: ['a'] }).success).toBe(false);
    expect(Group.safeParse({ name: 'g', mode: 'together', members: ['a', 'a'] }).success).toBe(false);
    expect(
      catalogGroupProblems(
        ['a', 'b'],
        [group('g', 'together', ['a', 'b']), group('g', 'exclusive', ['a', 'b'])],
      ),
    ).toContainEqual(expect.objectContaining({ path: [1, 'name'] }));
  });

  it('merges together groups that share a member', () => {
    const sets = togetherSets([group('ab', 'together', ['a', 'b']), group('bc', 'together', ['b', 'c'])]);
    expect([...(sets.get('a') ?? [])].sort()).toEqual(['a', 'b', 'c']);
    expect(sets.get('c')).toBe(sets.get('a'));
  });
});

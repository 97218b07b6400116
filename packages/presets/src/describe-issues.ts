import type { z } from 'zod';
import { closestMatch } from './closest-match.js';
import { knownKeysAt } from './schema-keys.js';
import type { LocationTarget } from './yaml-location.js';

/** A zod issue rewritten for people: one issue per unknown key, missing keys named as such. */
export interface DescribedIssue {
  path: PropertyKey[];
  message: string;
  /** Point at the key (unknown keys) or at the value (everything else). */
  target: LocationTarget;
}

/** The value at `path` in `data`, and whether the path exists at all. */
function lookup(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value: unknown = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) {
      return { found: false, value: undefined };
    }
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value };
}

/** Add "did you mean" to a bad enum value that is a likely typo (`embeddings` → `embedding`). */
function invalidValueMessage(issue: z.core.$ZodIssueInvalidValue, value: unknown): string {
  const options = issue.values.filter((option): option is string => typeof option === 'string');
  const suggestion = typeof value === 'string' ? closestMatch(value, options) : undefined;
  return suggestion ? `${issue.message} (did you mean '${suggestion}'?)` : issue.message;
}

function unknownKeyMessage(key: string, allowed: string[] | undefined): string {
  if (!allowed) return `unknown key '${key}'`;
  const suggestion = closestMatch(key, allowed);
  return suggestion
    ? `unknown key '${key}' (did you mean '${suggestion}'?)`
    : `unknown key '${key}' (allowed: ${allowed.join(', ')})`;
}

/**
 * Turn zod issues for `data` (validated by `schema`) into messages that name the field:
 * an unknown key becomes one issue per key, located at that key, with a suggestion for typos;
 * a bad enum value gets a suggestion too; a missing required key says so.
 *
 * @example
 * ```ts
 * const result = PresetSchema.safeParse(data);
 * if (!result.success) describeIssues(result.error.issues, data, PresetSchema);
 * // [{ path: ['engines', 0, 'tensor_paralel'], message: "unknown key 'tensor_paralel' (did you mean 'tensor_parallel'?)", target: 'key' }]
 * ```
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  schema: z.core.$ZodType,
): DescribedIssue[] {
  return issues.flatMap((issue): DescribedIssue[] => {
    const path = [...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const allowed = knownKeysAt(schema, path);
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: unknownKeyMessage(key, allowed),
        target: 'key',
      }));
    }
    if (issue.code === 'invalid_type' && path.length === 0 && (data === null || data === undefined)) {
      return [{ path, message: `the document is empty (expected ${issue.expected})`, target: 'value' }];
    }
    if (issue.code === 'invalid_value') {
      return [{ path, message: invalidValueMessage(issue, lookup(data, path).value), target: 'value' }];
    }
    if (issue.code === 'invalid_type' && path.length > 0 && !lookup(data, path).found) {
      const key = String(path[path.length - 1]);
      return [{ path, message: `missing required key '${key}'`, target: 'value' }];
    }
    return [{ path, message: issue.message, target: 'value' }];
  });
}

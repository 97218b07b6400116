import type { z } from 'zod';
import { ValidationError } from './errors.js';

/** Dotted path of a zod issue (`engines.0.model`), or `(root)`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/**
 * Parse `input` with `schema`; on failure throw a {@link ValidationError} whose message names
 * every failing field, prefixed by `what` (e.g. "invalid engine start request").
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issuePath(issue.path),
    message: issue.message,
  }));
  const detail = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return failWith(what, detail, issues);
}

function failWith(what: string, detail: string, issues: Array<{ path: string; message: string }>): never {
  throw new ValidationError({ message: `${what}: ${detail}`, path: issues[0]?.path ?? '', issues });
}

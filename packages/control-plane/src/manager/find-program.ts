import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Absolute path of an executable program (looked up in PATH unless it is a path), or null. */
export function findProgram(program: string, pathVariable = process.env.PATH ?? ''): string | null {
  const candidates =
    isAbsolute(program) || program.includes('/')
      ? [program]
      : pathVariable
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

import type { z } from 'zod';

/** The parts of a zod definition this walker reads (zod 4 `_zod.def`). */
interface SchemaDefinition {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  getter?: () => z.core.$ZodType;
}

/** Wrappers whose inner schema describes the same value. */
const WRAPPER_TYPES = new Set([
  'optional',
  'nullable',
  'nonoptional',
  'default',
  'prefault',
  'catch',
  'readonly',
]);

function unwrap(schema: z.core.$ZodType): SchemaDefinition {
  let definition = schema._zod.def as SchemaDefinition;
  for (let depth = 0; depth < 32; depth += 1) {
    const next =
      WRAPPER_TYPES.has(definition.type) && definition.innerType
        ? definition.innerType
        : definition.type === 'pipe' && definition.in
          ? definition.in
          : definition.type === 'lazy' && definition.getter
            ? definition.getter()
            : undefined;
    if (!next) return definition;
    definition = next._zod.def as SchemaDefinition;
  }
  return definition;
}

/**
 * The keys an object schema allows at `path` (a zod issue path), or `undefined` when the path
 * does not lead to an object schema. Used to suggest the intended key for a typo.
 *
 * @example
 * ```ts
 * knownKeysAt(PresetSchema, ['engines', 0]); // ['name', 'model', 'kind', …]
 * ```
 */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let definition = unwrap(schema);
  for (const segment of path) {
    const next =
      definition.type === 'object'
        ? definition.shape?.[String(segment)]
        : definition.type === 'array'
          ? definition.element
          : definition.type === 'record'
            ? definition.valueType
            : undefined;
    if (!next) return undefined;
    definition = unwrap(next);
  }
  return definition.type === 'object' && definition.shape ? Object.keys(definition.shape) : undefined;
}

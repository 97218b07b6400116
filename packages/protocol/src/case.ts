import { z } from 'zod';

/**
 * The one place where wire snake_case and TypeScript camelCase meet (STYLE G13): camelCase in
 * TypeScript, snake_case on the wire and in YAML, converted only where a schema meets the
 * outside — `fromWire`/`toWire` for values, {@link wireObject} for schemas. Keys of user-owned
 * maps (`metadata`, `env`) are never rewritten, nor those of the fields a caller names in
 * {@link CaseOptions.opaque}.
 */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(['metadata', 'env']);

/** Options of {@link fromWire} and {@link toWire}. */
export interface CaseOptions {
  /**
   * Fields (in either case) whose value is kept as is, keys and all, besides `metadata` and
   * `env`: maps keyed by names the user chose (`allowed_extra_args`: backend → flags), or parts
   * another schema validates as written.
   */
  opaque?: readonly string[];
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function opaqueKeys(options: CaseOptions | undefined): ReadonlySet<string> {
  if (!options?.opaque?.length) return OPAQUE_KEYS;
  return new Set([...OPAQUE_KEYS, ...options.opaque.map(snakeToCamel)]);
}

function convertKeys(value: unknown, convert: (key: string) => string, opaque: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, convert, opaque));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    out[convert(key)] = opaque.has(snakeToCamel(key)) ? inner : convertKeys(inner, convert, opaque);
  }
  return out;
}

/** Deep-convert a wire object to camelCase keys (fields left `undefined` are left out). */
export function fromWire<T>(value: unknown, options?: CaseOptions): T {
  return convertKeys(value, snakeToCamel, opaqueKeys(options)) as T;
}

/** Deep-convert a TypeScript object to snake_case wire keys (fields left `undefined` are left out). */
export function toWire<T>(value: unknown, options?: CaseOptions): T {
  return convertKeys(value, camelToSnake, opaqueKeys(options)) as T;
}

/**
 * The snake_case twin of a camelCase object schema, for the files and bodies the outside writes
 * (`sage.yaml`'s `backends:` is `wireObject(CustomBackendOptions)`): the same fields, checks and
 * strictness under snake_case keys, so errors name the key as the user wrote it. Parse with it,
 * then `fromWire` the result. Shallow: a nested object field keeps its own schema.
 *
 * @example
 * ```ts
 * const Options = z.strictObject({ startupTimeoutMs: z.int().positive() });
 * const options = fromWire<z.infer<typeof Options>>(wireObject(Options).parse({ startup_timeout_ms: 5 }));
 * ```
 */
export function wireObject<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): z.ZodObject<WireShape<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [camelToSnake(key), field]),
  ) as WireShape<Shape>;
  const { catchall } = schema.def;
  const wire = z.object(shape);
  return (catchall === undefined ? wire : wire.catchall(catchall)) as z.ZodObject<WireShape<Shape>>;
}

/** `startupTimeoutMs` → `startup_timeout_ms`, at the type level ({@link camelToSnake}). */
export type SnakeCase<Key extends string> = Key extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : Key;

/** `startup_timeout_ms` → `startupTimeoutMs`, at the type level ({@link snakeToCamel}). */
type CamelCase<Key extends string> = Key extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Key;

/** An object type with its keys in camelCase (shallow): what {@link fromWire} makes of a wire object. */
export type CamelKeys<Value> = {
  [Key in keyof Value as Key extends string ? CamelCase<Key> : Key]: Value[Key];
};

/** An object shape with its keys in snake_case. */
export type WireShape<Shape> = {
  [Key in keyof Shape as Key extends string ? SnakeCase<Key> : Key]: Shape[Key];
};

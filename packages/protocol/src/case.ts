/**
 * The one place where wire snake_case and TypeScript camelCase meet (STYLE G13). Keys of
 * user-owned maps (`metadata`, `env`) are never rewritten.
 */
const OPAQUE_KEYS = new Set(['metadata', 'env']);

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function convertKeys(value: unknown, convert: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, convert));
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    out[convert(key)] = OPAQUE_KEYS.has(key) ? inner : convertKeys(inner, convert);
  }
  return out;
}

/** Deep-convert a wire object to camelCase keys. */
export function fromWire<T>(value: unknown): T {
  return convertKeys(value, snakeToCamel) as T;
}

/** Deep-convert a TypeScript object to snake_case wire keys. */
export function toWire<T>(value: unknown): T {
  return convertKeys(value, camelToSnake) as T;
}

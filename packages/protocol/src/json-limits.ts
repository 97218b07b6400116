import { ValidationError } from './errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests objects and arrays deeper than `maxDepth`, read in one pass over its
 * UTF-8 bytes before any parser sees it (a deep body overflows the stack of recursive code such
 * as `JSON.stringify`). Brackets inside strings do not count. Multi-byte UTF-8 sequences never
 * hold ASCII bytes, so the bytes can be scanned without decoding.
 *
 * @example
 * nestsDeeperThan(new TextEncoder().encode('[[[1]]]'), 2); // true
 */
export function nestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  if (bytes.length <= maxDepth) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

const decoder = new TextDecoder();

/**
 * Parse a JSON request body with a nesting limit: empty, malformed or too deeply nested input
 * is a {@link ValidationError} (HTTP 400) that says what is wrong. `setting` names the option
 * that raises the limit, for the message.
 *
 * @example
 * const body = parseJsonBody(bytes, { maxDepth: 64, setting: 'limits.max_json_depth' });
 */
export function parseJsonBody(bytes: Uint8Array, limits: { maxDepth: number; setting?: string }): unknown {
  if (nestsDeeperThan(bytes, limits.maxDepth)) {
    const setting = limits.setting ? ` (${limits.setting})` : '';
    throw new ValidationError({
      message: `the request body nests JSON deeper than ${limits.maxDepth} levels${setting}`,
    });
  }
  const text = decoder.decode(bytes);
  if (text.trim() === '')
    throw new ValidationError({ message: 'the request body is empty; send a JSON object' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError({
      message: `the request body is not valid JSON: ${(error as Error).message}`,
      cause: error,
    });
  }
}

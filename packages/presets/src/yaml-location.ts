import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/** A 1-based position in a file. */
export interface FilePosition {
  line: number;
  column: number;
}

/** Which part of a map entry to point at when the path ends on it. */
export type LocationTarget = 'value' | 'key';

function resolveAlias(node: unknown, document: Document): unknown {
  return isAlias(node) ? node.resolve(document) : node;
}

function keyMatches(key: unknown, segment: PropertyKey): boolean {
  const value = isScalar(key) ? key.value : key;
  return String(value) === String(segment);
}

function startOf(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/**
 * Where the node at `path` (a zod issue path) starts in a parsed YAML document: the value, or
 * the key when `target` is `'key'` (for unknown keys). When the path does not exist (a missing
 * required key), the nearest existing ancestor is returned, i.e. the map the key is missing from.
 *
 * @example
 * ```ts
 * const lineCounter = new LineCounter();
 * const document = parseDocument('engines:\n  - kind: x\n', { lineCounter });
 * locatePath(document, lineCounter, ['engines', 0, 'kind']); // { line: 2, column: 11 }
 * ```
 */
export function locatePath(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  target: LocationTarget = 'value',
): FilePosition {
  let node: unknown = resolveAlias(document.contents, document);
  let offset = startOf(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyMatches(item.key, segment));
      if (!pair) break;
      const isLast = index === path.length - 1;
      if (isLast && target === 'key') {
        offset = startOf(pair.key) ?? offset;
        break;
      }
      next = pair.value ?? undefined;
      if (next === undefined) {
        offset = startOf(pair.key) ?? offset;
        break;
      }
    } else if (isSeq(node)) {
      next = node.items[Number(segment)];
      if (next === undefined) break;
    } else {
      break;
    }
    node = resolveAlias(next, document);
    offset = startOf(node) ?? offset;
  }
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}

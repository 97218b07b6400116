/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words. */
function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_row, row) =>
    Array.from({ length: columns }, (_column, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const current = table[row]!;
      const previous = table[row - 1]!;
      let best = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) best = Math.min(best, table[row - 2]![column - 2]! + 1);
      current[column] = best;
    }
  }
  return table[left.length]![right.length]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo (at most a third of
 * the word's length in edits, and at least one).
 *
 * @example
 * ```ts
 * closestMatch('tensor_paralel', ['tensor_parallel', 'pipeline_parallel']); // 'tensor_parallel'
 * closestMatch('colour', ['name', 'model']); // undefined
 * ```
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

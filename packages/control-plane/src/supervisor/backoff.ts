/**
 * Delay before restart attempt `attempt` (1-based): base × 2^(attempt−1), capped. With the
 * default base of 1 s: 1 s, 2 s, 4 s, …
 */
export function restartBackoffMs(attempt: number, baseMs: number, maxMs = Number.POSITIVE_INFINITY): number {
  if (attempt < 1) return 0;
  return Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

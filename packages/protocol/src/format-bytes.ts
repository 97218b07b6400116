/**
 * A byte count for people: `512 B`, `12.0 MB`, `1.5 GB` (powers of 1024), as the CLI and the
 * control plane's download errors print it.
 *
 * @example
 * ```ts
 * formatBytes(1_572_864); // '1.5 MB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

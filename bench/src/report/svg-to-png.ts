import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

/**
 * Write `svg` to `<basePath>.svg` and, when `rsvg-convert` is installed (Debian:
 * `apt-get install librsvg2-bin`), render `<basePath>.png`. Returns the path of the image the
 * docs should show.
 */
export function writeChart(basePath: string, svg: string): string {
  writeFileSync(`${basePath}.svg`, svg);
  const result = spawnSync('rsvg-convert', [
    '--format',
    'png',
    '--output',
    `${basePath}.png`,
    `${basePath}.svg`,
  ]);
  if (result.error || result.status !== 0) {
    console.warn(
      `rsvg-convert is not available (apt-get install librsvg2-bin): kept ${basePath}.svg, no PNG rendered`,
    );
    return `${basePath}.svg`;
  }
  return `${basePath}.png`;
}

import { svg } from './dom.js';

/** One line of a {@link lineChart}: its values (oldest first) and CSS class. */
export interface ChartLine {
  values: readonly number[];
  className: string;
}

const WIDTH = 240;
const HEIGHT = 60;

/**
 * A small SVG line chart (hand-rolled: no chart library in the bundle). The largest value is
 * in `data-max`, the point count in `data-points`; `label` is what a screen reader hears.
 */
export function lineChart(lines: readonly ChartLine[], label: string): SVGSVGElement {
  const max = Math.max(1e-9, ...lines.flatMap((line) => line.values));
  const chart = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': label,
    'data-max': Math.round(max * 100) / 100,
    'data-points': Math.max(0, ...lines.map((line) => line.values.length)),
  });
  chart.append(svg('rect', { class: 'chart-bg', x: 0, y: 0, width: WIDTH, height: HEIGHT }));
  for (const line of lines) {
    if (line.values.length === 0) continue;
    const step = line.values.length > 1 ? WIDTH / (line.values.length - 1) : 0;
    const points = line.values
      .map(
        (value, index) =>
          `${(index * step).toFixed(1)},${(HEIGHT - 2 - (value / max) * (HEIGHT - 4)).toFixed(1)}`,
      )
      .join(' ');
    chart.append(svg('polyline', { class: line.className, points, fill: 'none' }));
  }
  return chart;
}

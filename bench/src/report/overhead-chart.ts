import { join } from 'node:path';
import { type OverheadCell, PROXY_NAMES } from '../benchmarks/overhead-types.js';
import { barChartSvg } from './bar-chart.js';
import { resultsDir } from './results.js';
import { writeChart } from './svg-to-png.js';

const COLORS: Record<string, [string, string]> = {
  sage: ['#2b6cb0', '#90cdf4'],
  minimal: ['#2f855a', '#9ae6b4'],
  nginx: ['#6b46c1', '#d6bcfa'],
  portkey: ['#c05621', '#fbd38d'],
};

/** `docs/benchmarks/<name>.png`: latency each proxy adds at 500 req/s, per workload and concurrency. */
export function renderOverheadChart(cells: readonly OverheadCell[], name: string): string {
  const proxies = PROXY_NAMES.filter((proxy) => cells.some((entry) => entry.derived[proxy] !== undefined));
  const series = proxies.flatMap((proxy) => [
    { name: `${proxy} added p50`, color: COLORS[proxy]?.[0] ?? '#444' },
    { name: `${proxy} added p99`, color: COLORS[proxy]?.[1] ?? '#aaa' },
  ]);
  const svg = barChartSvg({
    title: 'Latency added over a direct engine call, at 500 requests/s',
    yLabel: 'added latency (ms)',
    series,
    groups: cells.map((entry) => ({
      label: `${entry.workload} c=${entry.concurrency}`,
      values: proxies.flatMap((proxy) => [
        entry.derived[proxy]?.addedP50Ms,
        entry.derived[proxy]?.addedP99Ms,
      ]),
    })),
  });
  return writeChart(join(resultsDir, name), svg);
}

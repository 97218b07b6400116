import { join } from 'node:path';
import type { OverheadCell } from '../benchmarks/overhead.js';
import { barChartSvg } from './bar-chart.js';
import { resultsDir } from './results.js';
import { writeChart } from './svg-to-png.js';

const COLORS = { sageP50: '#2b6cb0', sageP99: '#90cdf4', portkeyP50: '#c05621', portkeyP99: '#fbd38d' };

/** `docs/benchmarks/<name>.png`: latency each gateway adds at 500 req/s, per workload and concurrency. */
export function renderOverheadChart(cells: readonly OverheadCell[], name: string): string {
  const peer = cells.some((entry) => entry.derived.portkey !== undefined);
  const series = [
    { name: 'sage added p50', color: COLORS.sageP50 },
    { name: 'sage added p99', color: COLORS.sageP99 },
    ...(peer
      ? [
          { name: 'portkey added p50', color: COLORS.portkeyP50 },
          { name: 'portkey added p99', color: COLORS.portkeyP99 },
        ]
      : []),
  ];
  const svg = barChartSvg({
    title: 'Latency added by the gateway over a direct engine call, at 500 requests/s',
    yLabel: 'added latency (ms)',
    series,
    groups: cells.map((entry) => ({
      label: `${entry.workload} c=${entry.concurrency}`,
      values: [
        entry.derived.sage?.addedP50Ms,
        entry.derived.sage?.addedP99Ms,
        ...(peer ? [entry.derived.portkey?.addedP50Ms, entry.derived.portkey?.addedP99Ms] : []),
      ],
    })),
  });
  return writeChart(join(resultsDir, name), svg);
}

import { join } from 'node:path';
import type { LoadResult } from '../benchmarks/scheduling-types.js';
import { barChartSvg } from './bar-chart.js';
import { resultsDir } from './results.js';
import { writeChart } from './svg-to-png.js';

const COLORS = [
  '#718096',
  '#2b6cb0',
  '#c05621',
  '#2f855a',
  '#805ad5',
  '#d53f8c',
  '#b7791f',
  '#2c7a7b',
  '#9b2c2c',
  '#434190',
  '#276749',
];

/** `docs/benchmarks/scheduling.png`: SLO attainment of every strategy at every load. */
export function renderSchedulingChart(results: readonly LoadResult[]): string {
  const strategies = results[0]?.strategies.map((result) => result.strategy) ?? [];
  const svg = barChartSvg({
    title: 'SLO attainment (requests with a deadline answered within it), by workload and load',
    yLabel: 'SLO met (%)',
    series: strategies.map((name, index) => ({ name, color: COLORS[index % COLORS.length] as string })),
    groups: results.map((entry) => ({
      label: `${entry.workload ?? ''} ${entry.load}`,
      values: entry.strategies.map((result) => result.sloAttainment * 100),
    })),
  });
  return writeChart(join(resultsDir, 'scheduling'), svg);
}

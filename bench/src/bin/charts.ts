/** `tsx src/bin/charts.ts`: render the charts again from the result files in docs/benchmarks/. */
import type { OverheadCell } from '../benchmarks/overhead-types.js';
import type { LoadResult } from '../benchmarks/scheduling-types.js';
import { renderOverheadChart } from '../report/overhead-chart.js';
import { readResults } from '../report/results.js';
import { renderSchedulingChart } from '../report/scheduling-chart.js';

for (const name of ['overhead', 'overhead-portkey']) {
  const stored = readResults<OverheadCell[]>(name);
  if (stored) console.log(renderOverheadChart(stored.results, name));
}
const scheduling = readResults<LoadResult[]>('scheduling');
if (scheduling) console.log(renderSchedulingChart(scheduling.results));

import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { OverheadCell } from './overhead.js';

/** The overhead table: direct latency, then each gateway's added latency and throughput ratio. */
export function renderOverheadMarkdown(
  cells: readonly OverheadCell[],
  settings: { targetRate: number; durationSecondsPerRun: number; gatewayLogLevel: string },
): string {
  const peer = cells.some((entry) => entry.targets.portkey !== undefined);
  const header = [
    'workload',
    'concurrency',
    'direct p50 / p99 (ms)',
    'sage added p50 / p99 (ms)',
    'sage throughput ratio',
    ...(peer ? ['portkey added p50 / p99 (ms)', 'portkey throughput ratio'] : []),
    'direct req/s',
  ];
  const rows = cells.map((entry) => {
    const direct = entry.targets.direct;
    const pair = (p50: number | undefined, p99: number | undefined) => `${cell(p50, 3)} / ${cell(p99, 3)}`;
    const sage = entry.derived.sage;
    const portkey = entry.derived.portkey;
    return [
      entry.workload,
      String(entry.concurrency),
      pair(direct?.atRate.latencyMs.p50, direct?.atRate.latencyMs.p99),
      pair(sage?.addedP50Ms, sage?.addedP99Ms),
      ratioCell(sage?.throughputRatio),
      ...(peer ? [pair(portkey?.addedP50Ms, portkey?.addedP99Ms), ratioCell(portkey?.throughputRatio)] : []),
      cell(direct?.saturated.requestsPerSecond, 0),
    ];
  });
  return [
    `Latencies at ${settings.targetRate} requests/s (rate-limited runs); throughput ratio = gateway req/s ÷ direct req/s in open runs at the same concurrency. ${settings.durationSecondsPerRun} s per run; gateway log level \`${settings.gatewayLogLevel}\`.`,
    '',
    markdownTable(header, rows),
  ].join('\n');
}

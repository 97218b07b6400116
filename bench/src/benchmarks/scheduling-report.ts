import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { LoadResult } from './scheduling.js';
import type { SimulatedEngine } from './scheduling-fleet.js';

export function renderSchedulingMarkdown(
  results: readonly LoadResult[],
  settings: {
    requestsPerRun: number;
    fleetCapacityRequestsPerSecond: number;
    fleet: readonly SimulatedEngine[];
  },
): string {
  const fleet = settings.fleet
    .map(
      (engine) =>
        `${engine.label} (prefill ${engine.prefillMsPer1k} ms/1k tokens, decode ${engine.decodeMsPerToken} ms/token, ${engine.maxConcurrency} at a time, price ${engine.pricePerGpuHour})`,
    )
    .join('; ');
  const rows = results.flatMap((entry) =>
    entry.strategies.map((result) => {
      const compared = result.vsRoundRobin;
      const baseline = result.strategy === 'round_robin';
      const p = (priority: keyof typeof result.perClass) =>
        `${cell(result.perClass[priority].p50, 0)} / ${cell(result.perClass[priority].p99, 0)}`;
      return [
        `${entry.load} (${entry.requestsPerSecond}/s)`,
        result.strategy,
        p('critical'),
        p('high'),
        p('normal'),
        p('background'),
        `${(result.sloAttainment * 100).toFixed(1)}%`,
        baseline
          ? '–'
          : `${compared.sloAttainmentDelta >= 0 ? '+' : ''}${(compared.sloAttainmentDelta * 100).toFixed(1)} pt`,
        baseline ? '–' : ratioCell(compared.criticalP99Ratio),
        baseline ? '–' : ratioCell(compared.throughputRatio),
        baseline ? '–' : ratioCell(compared.costRatio),
        String(result.failures),
      ];
    }),
  );
  return [
    `Fleet: ${fleet}; capacity ≈ ${settings.fleetCapacityRequestsPerSecond} requests/s for the mean request. ${settings.requestsPerRun} requests per run, Poisson arrivals; the same requests for every strategy at a load. Latencies in ms (p50 / p99) from the scheduled send time to the last byte.`,
    '',
    markdownTable(
      [
        'load',
        'strategy',
        'critical',
        'high',
        'normal',
        'background',
        'SLO met',
        'SLO vs RR',
        'critical p99 vs RR',
        'throughput vs RR',
        'cost vs RR',
        'failed',
      ],
      rows,
    ),
  ].join('\n');
}

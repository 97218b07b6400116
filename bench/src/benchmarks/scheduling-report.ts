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
      const p = (sample: { p50: number; p99: number }) => `${cell(sample.p50, 0)} / ${cell(sample.p99, 0)}`;
      return [
        `${entry.load} (${entry.requestsPerSecond}/s)`,
        result.strategy,
        p(result.urgent),
        p(result.perClass.normal),
        p(result.bulk),
        `${(result.sloAttainment * 100).toFixed(1)}%`,
        baseline
          ? '–'
          : `${compared.sloAttainmentDelta >= 0 ? '+' : ''}${(compared.sloAttainmentDelta * 100).toFixed(1)} pt`,
        baseline ? '–' : ratioCell(compared.urgentP99Ratio),
        baseline ? '–' : ratioCell(compared.throughputRatio),
        baseline ? '–' : ratioCell(compared.costRatio),
        String(result.failures),
      ];
    }),
  );
  return [
    `Fleet: ${fleet}; capacity ≈ ${settings.fleetCapacityRequestsPerSecond} requests/s for the mean request. ${settings.requestsPerRun} requests per run, Poisson arrivals; the same requests for every strategy at a load. Latencies in ms (p50 / p99) from the scheduled send time to the last byte; per-class figures (critical alone is 5 % of the requests, too few for a p99) are in \`scheduling.json\`. Throughput = answered requests ÷ time from the first send to the last answer. Cost = engine price × service time per request.`,
    '',
    markdownTable(
      [
        'load',
        'strategy',
        'critical + high',
        'normal',
        'low + background',
        'SLO met',
        'SLO vs RR',
        'critical + high p99 vs RR',
        'throughput vs RR',
        'cost vs RR',
        'failed',
      ],
      rows,
    ),
  ].join('\n');
}

import { describeMachine, machineInfo } from '../report/machine-info.js';
import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { StreamingProxy, StreamingScenario } from './streaming-types.js';

export function renderStreamingMarkdown(
  scenarios: readonly StreamingScenario[],
  settings: {
    chunks: number;
    chunkDelayMs: number;
    proxies: readonly StreamingProxy[];
    baselines: readonly string[];
    skipped: readonly string[];
    loadAverage: { before: number; after: number };
  },
): string {
  const { proxies } = settings;
  const pair = (p50: number | undefined, p99: number | undefined, digits = 2) =>
    `${cell(p50, digits)} / ${cell(p99, digits)}`;
  const rows = scenarios.map((scenario) => {
    const direct = scenario.sides.direct;
    const sage = scenario.sides.sage;
    return [
      scenario.name,
      ratioCell(scenario.sageAddedVsMinimalP50),
      proxies.map((proxy) => cell(scenario.addedFirstTokenMs[proxy]?.p50, 3)).join(' / '),
      proxies.map((proxy) => cell(scenario.addedFirstTokenMs[proxy]?.p99, 3)).join(' / '),
      pair(direct?.firstTokenMs.p50, direct?.firstTokenMs.p99),
      `${ratioCell(scenario.gapRatioP50)} / ${ratioCell(scenario.gapRatioP99)}`,
      `${cell((direct?.coalescedShare ?? Number.NaN) * 100, 1)}% / ${cell((sage?.coalescedShare ?? Number.NaN) * 100, 1)}%`,
      proxies
        .map((proxy) => {
          const side = scenario.sides[proxy];
          return side ? `${side.streams}/${side.streams + side.failed}` : '–';
        })
        .join(' / '),
    ];
  });
  return [
    `Streamed chat completions from the fake engine: ${settings.chunks} content chunks, ${settings.chunkDelayMs} ms apart. Each row measures every target, taking turns batch by batch. Baselines: ${settings.baselines.join('; ')}.${settings.skipped.length > 0 ? ` Not measured: ${settings.skipped.join('; ')}.` : ''} Measured on ${describeMachine(machineInfo())}, 1-minute load average ${settings.loadAverage.before} at the start and ${settings.loadAverage.after} at the end.`,
    '',
    markdownTable(
      [
        'scenario',
        'TTFT added p50, sage ÷ minimal (goal ≤ 1.2×)',
        `TTFT added p50 (ms): ${proxies.join(' / ')}`,
        `TTFT added p99 (ms): ${proxies.join(' / ')}`,
        'direct TTFT p50 / p99 (ms)',
        'sage gap ÷ direct gap p50 / p99',
        'coalesced reads direct / sage',
        `streams ok: ${proxies.join(' / ')}`,
      ],
      rows,
    ),
  ].join('\n');
}

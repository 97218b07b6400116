import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { StreamingScenario } from './streaming.js';

export function renderStreamingMarkdown(
  scenarios: readonly StreamingScenario[],
  settings: { chunks: number; chunkDelayMs: number },
): string {
  const pair = (p50: number, p99: number, digits = 2) => `${cell(p50, digits)} / ${cell(p99, digits)}`;
  const rows = scenarios.map((scenario) => [
    scenario.name,
    pair(scenario.direct.firstTokenMs.p50, scenario.direct.firstTokenMs.p99),
    pair(scenario.addedFirstTokenP50Ms, scenario.addedFirstTokenP99Ms, 3),
    pair(scenario.direct.gapMs.p50, scenario.direct.gapMs.p99),
    pair(scenario.sage.gapMs.p50, scenario.sage.gapMs.p99),
    `${ratioCell(scenario.gapRatioP50)} / ${ratioCell(scenario.gapRatioP99)}`,
    `${(scenario.direct.coalescedShare * 100).toFixed(1)}% / ${(scenario.sage.coalescedShare * 100).toFixed(1)}%`,
    `${scenario.sage.streams}/${scenario.sage.streams + scenario.sage.failed}`,
  ]);
  return [
    `Streamed chat completions from the fake engine: ${settings.chunks} content chunks, ${settings.chunkDelayMs} ms apart. Each row measures both targets, alternating batch by batch.`,
    '',
    markdownTable(
      [
        'scenario',
        'direct TTFT p50 / p99 (ms)',
        'TTFT added by sage p50 / p99 (ms)',
        'direct gap p50 / p99 (ms)',
        'sage gap p50 / p99 (ms)',
        'gap ratio p50 / p99',
        'coalesced reads direct / sage',
        'sage streams ok',
      ],
      rows,
    ),
  ].join('\n');
}

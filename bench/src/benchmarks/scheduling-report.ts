import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import type { SimulatedEngine } from './scheduling-fleet.js';
import type { StrategyResult } from './scheduling-run.js';
import type { LoadResult } from './scheduling-types.js';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * "no better" when, against fifo at the same cell, TTFT p50 is not 5 % lower, SLO attainment
 * not 1 point higher and goodput not 2 % higher.
 */
function verdictAgainstFifo(result: StrategyResult, fifo: StrategyResult | undefined): string {
  if (!fifo || result.strategy === 'fifo') return '–';
  const better: string[] = [];
  if (result.ttft.p50 <= 0.95 * fifo.ttft.p50) better.push('TTFT');
  if (result.sloAttainment >= fifo.sloAttainment + 0.01) better.push('SLO');
  if (result.goodput >= 1.02 * fifo.goodput) better.push('goodput');
  return better.length === 0 ? '**no better**' : `better: ${better.join(', ')}`;
}

/** The targets of the issue, checked on `results`. */
function targetLines(results: readonly LoadResult[], policy = 'prefix_affinity'): string[] {
  const find = (workload: string, load: number, strategy: string) =>
    results
      .find((entry) => entry.workload === workload && entry.load === load)
      ?.strategies.find((result) => result.strategy === strategy);
  const lines: string[] = [];
  const ours = find('shared', 0.8, policy);
  const reference = find('shared', 0.8, 'least_request');
  if (ours && reference) {
    const ratio = ours.ttft.p50 / reference.ttft.p50;
    lines.push(
      `- Shared prefixes at 0.8 load: ${policy} TTFT p50 ${cell(ours.ttft.p50, 0)} ms = ${ratioCell(ratio)} least_request's (target ≤ 0.60×): ${ratio <= 0.6 ? 'met' : '**not met**'}.`,
    );
  }
  for (const workload of ['shared', 'unique']) {
    const overload = find(workload, 1.2, policy);
    if (overload) {
      lines.push(
        `- ${workload} at 1.2× load: ${policy} critical + high SLO attainment ${pct(overload.urgentSlo)} (target ≥ 95 %): ${overload.urgentSlo >= 0.95 ? 'met' : '**not met**'}; low + background latency p50 ${cell(overload.bulkLatency.p50, 0)} ms.`,
      );
    }
  }
  const unique = results.filter((entry) => entry.workload === 'unique');
  const worse: string[] = [];
  for (const entry of unique) {
    const baseline = entry.strategies.find((result) => result.strategy === 'least_request');
    if (!baseline) continue;
    for (const result of entry.strategies) {
      if (result.strategy === 'client_round_robin' || result.strategy === 'least_request') continue;
      if (result.sloAttainment < baseline.sloAttainment - 0.02 && result.goodput < baseline.goodput * 0.98) {
        worse.push(`${result.strategy} at ${entry.load}`);
      }
    }
  }
  if (unique.length > 0) {
    lines.push(
      `- No-prefix workload, no in-gateway policy worse than least_request (SLO > 2 points and goodput > 2 % lower): ${worse.length === 0 ? 'met' : `**not met** (${worse.join(', ')})`}.`,
    );
  }
  return lines;
}

export function renderSchedulingMarkdown(
  results: readonly LoadResult[],
  settings: {
    requestsPerRun: number;
    repetitions: number;
    fleet: readonly SimulatedEngine[];
    mode: string;
  },
): string {
  const fleet = settings.fleet
    .map(
      (engine) =>
        `${engine.label} (prefill ${engine.prefillMsPer1k} ms/1k tokens, decode ${engine.decodeMsPerToken} ms/token, ${engine.maxConcurrency} at a time, prefix cache ${engine.prefixCacheTokens} tokens, KV ${engine.kvCapacityTokens} tokens, price ${engine.pricePerGpuHour})`,
    )
    .join('; ');
  const sections: string[] = [
    `Mode: ${settings.mode}. Fleet: ${fleet}. ${settings.requestsPerRun} streamed requests per run, Poisson arrivals, ${settings.repetitions} repetition(s) with the strategies in a shuffled order each time; every strategy sees the same arrivals in a repetition. Load is a fraction of the fleet's capacity **without cache hits** for the workload's mean request. TTFT = scheduled send → first streamed chunk; SLO = answered within the class deadline end to end (critical 300 ms, high 600 ms, half of normal 1500 ms); goodput = requests/s answered within their deadline (or answered, without one); cache hit = cached ÷ prompt tokens at the engines. "vs LR" = TTFT p50 ÷ least_request's. "vs fifo": where a policy is no better than fifo (TTFT p50 not 5 % lower, SLO not 1 point higher, goodput not 2 % higher). \`client_round_robin\` is the old client-side baseline (no gateway queue).`,
    '',
    '**Targets**',
    '',
    ...targetLines(results),
  ];
  for (const workload of [...new Set(results.map((entry) => entry.workload))]) {
    const rows = results
      .filter((entry) => entry.workload === workload)
      .flatMap((entry) => {
        const reference = entry.strategies.find((result) => result.strategy === 'least_request');
        const fifo = entry.strategies.find((result) => result.strategy === 'fifo');
        return entry.strategies.map((result) => [
          `${entry.load} (${entry.requestsPerSecond}/s)`,
          result.strategy,
          `${cell(result.ttft.p50, 0)} / ${cell(result.ttft.p99, 0)}`,
          reference && result.strategy !== 'least_request'
            ? ratioCell(result.ttft.p50 / reference.ttft.p50)
            : '–',
          pct(result.urgentSlo),
          pct(result.sloByClass.normal ?? Number.NaN),
          pct(result.sloAttainment),
          cell(result.bulkLatency.p50, 0),
          cell(result.goodput, 1),
          pct(result.cacheHitRate),
          verdictAgainstFifo(result, fifo),
          String(result.failures),
        ]);
      });
    sections.push(
      '',
      `**Workload \`${workload}\`**${workload === 'shared' ? ' (multi-turn chats, 4 shared system prompts, 3 few-shot templates)' : ' (no shared prefix)'}`,
      '',
      markdownTable(
        [
          'load',
          'strategy',
          'TTFT p50 / p99 (ms)',
          'TTFT p50 vs LR',
          'SLO critical + high',
          'SLO normal',
          'SLO all',
          'low + bg latency p50 (ms)',
          'goodput (/s)',
          'cache hit',
          'vs fifo',
          'failed',
        ],
        rows,
      ),
    );
  }
  return sections.join('\n');
}

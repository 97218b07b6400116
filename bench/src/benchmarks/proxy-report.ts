import { median } from '../harness/stats.js';
import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';

/** One side of a repetition: a closed-loop run and the streams' time to first token. */
interface ProxySide {
  requestsPerSecond: number;
  cpuUsPerRequest: number;
  failures: number;
  ttftP50Ms: number;
}

/** One repetition of `pnpm bench proxy`: both sides measured back to back, ratios taken inside it. */
export interface ProxyRepetition {
  sage: ProxySide;
  minimal: ProxySide;
  directTtftP50Ms: number;
  cpuRatio: number;
  throughputRatio: number;
  /** (sage TTFT − direct TTFT) ÷ (minimal TTFT − direct TTFT), at the median. */
  ttftAddedRatio: number;
  /** 1-minute load average at the end of the repetition. */
  loadAverage: number;
}

/** A goal of the gateway against the minimal proxy. */
export interface ProxyGoal {
  key: 'cpuRatio' | 'throughputRatio' | 'ttftAddedRatio';
  label: string;
  limit: number;
  better: 'lower' | 'higher';
}

export function renderProxyMarkdown(
  repetitions: readonly ProxyRepetition[],
  goals: readonly ProxyGoal[],
  settings: {
    repetitions: number;
    durationSecondsPerRun: number;
    connections: number;
    streamsPerTarget: number;
    machine: string;
    loadAverage: { before: number; after: number };
  },
): string {
  const rows = goals.map((goal) => {
    const values = repetitions.map((repetition) => repetition[goal.key]).filter(Number.isFinite);
    const middle = median(values);
    const met = goal.better === 'lower' ? middle <= goal.limit : middle >= goal.limit;
    return [
      goal.label,
      `${goal.better === 'lower' ? '≤' : '≥'} ${goal.limit}×`,
      `**${ratioCell(middle)}**`,
      `${ratioCell(Math.min(...values))} – ${ratioCell(Math.max(...values))}`,
      Number.isFinite(middle) ? (met ? 'met' : '**not met**') : '–',
    ];
  });
  const pick = (read: (repetition: ProxyRepetition) => number) => median(repetitions.map(read));
  return [
    `Measured on ${settings.machine}, 1-minute load average ${settings.loadAverage.before} at the start and ${settings.loadAverage.after} at the end. ${settings.repetitions} repetitions; in each, the gateway and the minimal Node proxy take a ${settings.durationSecondsPerRun} s closed-loop run of chat completions at ${settings.connections} connections (the order alternates), then ${settings.streamsPerTarget} streams one at a time through each (direct, gateway, minimal, taking turns). Ratios are taken inside a repetition; the table shows their median and range.`,
    '',
    markdownTable(['goal', 'target', 'median', 'range', ''], rows),
    '',
    `Medians of the absolute figures (this machine, this load only): gateway ${cell(
      pick((r) => r.sage.cpuUsPerRequest),
      0,
    )} µs CPU/request, ${cell(
      pick((r) => r.sage.requestsPerSecond),
      0,
    )} req/s, TTFT ${cell(pick((r) => r.sage.ttftP50Ms))} ms; minimal proxy ${cell(
      pick((r) => r.minimal.cpuUsPerRequest),
      0,
    )} µs, ${cell(
      pick((r) => r.minimal.requestsPerSecond),
      0,
    )} req/s, TTFT ${cell(pick((r) => r.minimal.ttftP50Ms))} ms; engine directly TTFT ${cell(pick((r) => r.directTtftP50Ms))} ms.`,
  ].join('\n');
}

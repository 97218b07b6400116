import { describeMachine, machineInfo } from '../report/machine-info.js';
import { cell, markdownTable, ratioCell } from '../report/markdown-table.js';
import {
  type OverheadCell,
  type OverheadSettings,
  PROXY_NAMES,
  type ProxyName,
  type Spread,
} from './overhead-types.js';

/** A rerun whose ratio moved by more than this share of the earlier value gets a note. */
const RERUN_TOLERANCE = 0.15;

function spreadCell(value: Spread | undefined): string {
  if (!value) return '–';
  return `${ratioCell(value.median)} (${value.min.toFixed(2)}–${value.max.toFixed(2)})`;
}

function present(cells: readonly OverheadCell[]): ProxyName[] {
  return PROXY_NAMES.filter((name) => cells.some((entry) => entry.targets[name] !== undefined));
}

/**
 * The overhead tables: first the ratios measured in the same run (the gateway against the
 * minimal Node proxy, the physical limit of nginx, the engine called directly), then the
 * absolute figures, valid only for the machine and load stated above them.
 */
export function renderOverheadMarkdown(
  cells: readonly OverheadCell[],
  settings: OverheadSettings,
  notes: readonly string[],
): string {
  const proxies = present(cells);
  const others = proxies.filter((name) => name !== 'sage' && name !== 'minimal');
  const ratioHeader = [
    'workload',
    'concurrency',
    'CPU/request sage ÷ minimal (goal ≤ 1.2×)',
    'req/s sage ÷ minimal (goal ≥ 0.8×)',
    ...others.flatMap((name) => [`CPU/request ${name} ÷ minimal`, `req/s ${name} ÷ minimal`]),
    `req/s ÷ direct: ${proxies.join(' / ')}`,
  ];
  const ratioRows = cells.map((entry) => [
    entry.workload,
    String(entry.concurrency),
    spreadCell(entry.derived.sage?.cpuVsMinimal),
    spreadCell(entry.derived.sage?.throughputVsMinimal),
    ...others.flatMap((name) => [
      spreadCell(entry.derived[name]?.cpuVsMinimal),
      spreadCell(entry.derived[name]?.throughputVsMinimal),
    ]),
    proxies.map((name) => ratioCell(entry.derived[name]?.throughputRatio)).join(' / '),
  ]);
  const slash = (values: ReadonlyArray<number | undefined>, digits: number) =>
    values.map((value) => cell(value, digits)).join(' / ');
  const absoluteHeader = [
    'workload',
    'concurrency',
    `CPU µs/request: ${proxies.join(' / ')} (engine)`,
    `req/s: direct / ${proxies.join(' / ')}`,
    `added p50 at ${settings.targetRate}/s (ms): ${proxies.join(' / ')}`,
    `added p99 at ${settings.targetRate}/s (ms): ${proxies.join(' / ')}`,
    'direct p50 / p99 (ms)',
  ];
  const absoluteRows = cells.map((entry) => [
    entry.workload,
    String(entry.concurrency),
    `${slash(
      proxies.map((name) => entry.targets[name]?.cpuUsPerRequest),
      0,
    )} (${cell(entry.targets.direct?.engineCpuUsPerRequest, 0)})`,
    slash(
      ['direct' as const, ...proxies].map((name) => entry.targets[name]?.saturated.requestsPerSecond),
      0,
    ),
    slash(
      proxies.map((name) => entry.derived[name]?.addedP50Ms),
      3,
    ),
    slash(
      proxies.map((name) => entry.derived[name]?.addedP99Ms),
      3,
    ),
    slash([entry.targets.direct?.atRate.latencyMs.p50, entry.targets.direct?.atRate.latencyMs.p99], 3),
  ]);
  const { loadAverage } = settings;
  return [
    `Every target in front of the same fake engine processes, ${settings.rounds} rounds of ${settings.durationSecondsPerRun} s per run, the targets interleaved in each round; a ratio is taken inside each round, then the median (min–max) over the rounds. CPU per request = utime + stime of the target's processes (\`/proc/<pid>/stat\`) over the closed-loop run ÷ requests answered in it. Baselines: ${settings.baselines.join('; ')}.${settings.skipped.length > 0 ? ` Not measured: ${settings.skipped.join('; ')}.` : ''}`,
    '',
    markdownTable(ratioHeader, ratioRows),
    '',
    `Absolute figures, valid only for this machine and load: ${describeMachine(machineInfo())}; 1-minute load average ${loadAverage.before} at the start, ${loadAverage.after} at the end (other work shares the cores). Gateway log level \`${settings.gatewayLogLevel}\`.`,
    '',
    markdownTable(absoluteHeader, absoluteRows),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
}

/**
 * Notes for every ratio that moved by more than {@link RERUN_TOLERANCE} since the previous run
 * (the figure of record is the newer one; the note says that the older one disagreed).
 */
export function compareWithPrevious(
  previous: { results: readonly OverheadCell[]; measuredAt: string },
  cells: readonly OverheadCell[],
): string[] {
  const notes: string[] = [];
  const date = previous.measuredAt.slice(0, 10);
  for (const entry of cells) {
    const before = previous.results.find(
      (candidate) => candidate.workload === entry.workload && candidate.concurrency === entry.concurrency,
    );
    if (!before) continue;
    for (const name of PROXY_NAMES) {
      const checks = [
        [
          'CPU/request',
          entry.derived[name]?.cpuVsMinimal?.median,
          before.derived?.[name]?.cpuVsMinimal?.median,
        ],
        [
          'req/s',
          entry.derived[name]?.throughputVsMinimal?.median,
          before.derived?.[name]?.throughputVsMinimal?.median,
        ],
      ] as const;
      for (const [what, now, then] of checks) {
        if (now === undefined || then === undefined || !(then > 0)) continue;
        if (Math.abs(now - then) / then <= RERUN_TOLERANCE) continue;
        notes.push(
          `Rerun disagrees: ${entry.workload} at concurrency ${entry.concurrency}, ${what} ${name} ÷ minimal was ${then.toFixed(2)}× in the run of ${date}, ${now.toFixed(2)}× in this one.`,
        );
      }
    }
  }
  return notes;
}

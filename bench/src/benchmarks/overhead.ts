import { loadavg } from 'node:os';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { runLoad } from '../harness/load.js';
import { runPacedLoad } from '../harness/paced-load.js';
import { processCpuSeconds, totalCpuSeconds } from '../harness/process-cpu.js';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { median, round } from '../harness/stats.js';
import { renderOverheadChart } from '../report/overhead-chart.js';
import { readResults, updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { compareWithPrevious, renderOverheadMarkdown } from './overhead-report.js';
import { startTargets, type Target } from './overhead-targets.js';
import {
  type OverheadCell,
  type OverheadSettings,
  PROXY_NAMES,
  type ProxyDerived,
  type Spread,
  type TargetMeasurement,
  type TargetName,
  type TargetRound,
} from './overhead-types.js';
import { OVERHEAD_WORKLOADS, type OverheadWorkload } from './overhead-workloads.js';

/** The latency target is stated at this request rate. */
const TARGET_RATE = 500;

function log(message: string): void {
  console.log(`[overhead] ${message}`);
}

const perRequestUs = (cpuSeconds: number, requests: number) =>
  requests > 0 ? round((cpuSeconds * 1e6) / requests, 1) : Number.NaN;

/**
 * One round on one target: an open-loop run at the target rate, then a closed-loop run, each
 * with the CPU the target's processes and the engine used during it (from `/proc`).
 */
async function measureRound(
  target: Target,
  workload: OverheadWorkload,
  concurrency: number,
  seconds: number,
  enginePid: number,
): Promise<TargetRound> {
  const base = {
    url: target.url(workload),
    body: workload.body,
    headers: target.headers(workload),
    connections: concurrency,
    durationSeconds: seconds,
  };
  const cpuAtStart = totalCpuSeconds(target.pids());
  const paced = await runPacedLoad({ ...base, rate: TARGET_RATE });
  const cpuAfterPaced = totalCpuSeconds(target.pids());
  const engineBefore = processCpuSeconds(enginePid);
  const open = await runLoad(base);
  const cpuAfterOpen = totalCpuSeconds(target.pids());
  const engineAfter = processCpuSeconds(enginePid);
  return {
    paced,
    open,
    cpuUsPerRequestAtRate: perRequestUs(cpuAfterPaced - cpuAtStart, paced.completed),
    cpuUsPerRequest: perRequestUs(cpuAfterOpen - cpuAfterPaced, open.completed),
    engineCpuUsPerRequest: perRequestUs(engineAfter - engineBefore, open.completed),
  };
}

function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  return {
    median: round(median(finite), 3),
    min: round(Math.min(...finite), 3),
    max: round(Math.max(...finite), 3),
  };
}

function summarise(rounds: TargetRound[]): TargetMeasurement {
  const pick = (read: (entry: TargetRound) => number) => median(rounds.map(read));
  const sum = (read: (entry: TargetRound) => number) =>
    rounds.reduce((total, entry) => total + read(entry), 0);
  return {
    atRate: {
      sentRate: pick((entry) => entry.paced.sentRate),
      latencyMs: {
        p50: pick((entry) => entry.paced.latencyMs.p50),
        p90: pick((entry) => entry.paced.latencyMs.p90),
        p99: pick((entry) => entry.paced.latencyMs.p99),
        count: sum((entry) => entry.paced.latencyMs.count),
      },
      completed: sum((entry) => entry.paced.completed),
      failures: sum((entry) => entry.paced.failures),
    },
    saturated: {
      requestsPerSecond: pick((entry) => entry.open.requestsPerSecond),
      latencyMs: {
        p50: pick((entry) => entry.open.latencyMs.p50),
        p90: pick((entry) => entry.open.latencyMs.p90),
        p99: pick((entry) => entry.open.latencyMs.p99),
        count: sum((entry) => entry.open.latencyMs.count),
      },
      completed: sum((entry) => entry.open.completed),
      failures: sum((entry) => entry.open.failures),
    },
    cpuUsPerRequest: pick((entry) => entry.cpuUsPerRequest),
    cpuUsPerRequestAtRate: pick((entry) => entry.cpuUsPerRequestAtRate),
    engineCpuUsPerRequest: pick((entry) => entry.engineCpuUsPerRequest),
    rounds,
  };
}

function derive(
  direct: TargetMeasurement,
  proxy: TargetMeasurement,
  minimal: TargetMeasurement | undefined,
): ProxyDerived {
  const derived: ProxyDerived = {
    addedP50Ms: round(proxy.atRate.latencyMs.p50 - direct.atRate.latencyMs.p50, 3),
    addedP99Ms: round(proxy.atRate.latencyMs.p99 - direct.atRate.latencyMs.p99, 3),
    throughputRatio: round(proxy.saturated.requestsPerSecond / direct.saturated.requestsPerSecond, 3),
  };
  if (minimal) {
    derived.cpuVsMinimal = spread(
      proxy.rounds.map(
        (entry, index) => entry.cpuUsPerRequest / (minimal.rounds[index]?.cpuUsPerRequest ?? Number.NaN),
      ),
    );
    derived.throughputVsMinimal = spread(
      proxy.rounds.map(
        (entry, index) =>
          entry.open.requestsPerSecond / (minimal.rounds[index]?.open.requestsPerSecond ?? Number.NaN),
      ),
    );
  }
  return derived;
}

/**
 * Measure every target in `rounds` rounds, the targets interleaved within each round, so a
 * noisy neighbour that stalls one round moves one value, and hits the baselines as likely as the
 * gateway. Ratios between targets are taken inside each round, then their median over rounds.
 */
async function measureCell(
  targets: readonly Target[],
  workload: OverheadWorkload,
  concurrency: number,
  seconds: number,
  rounds: number,
  enginePid: number,
): Promise<OverheadCell> {
  const samples = new Map<TargetName, TargetRound[]>();
  for (let index = 0; index < rounds; index += 1) {
    for (const target of targets) {
      const measured = await measureRound(target, workload, concurrency, seconds, enginePid);
      samples.set(target.name, [...(samples.get(target.name) ?? []), measured]);
    }
  }
  const cell: OverheadCell = { workload: workload.name, concurrency, targets: {}, derived: {} };
  for (const [name, entries] of samples) {
    const measured = summarise(entries);
    cell.targets[name] = measured;
    const failures = measured.saturated.failures + measured.atRate.failures;
    log(
      `${workload.name} c=${concurrency} ${name}: ${Math.round(measured.saturated.requestsPerSecond)} req/s, ` +
        `${measured.cpuUsPerRequest} µs CPU/request, p50 ${measured.atRate.latencyMs.p50.toFixed(3)} ms ` +
        `at ${TARGET_RATE}/s${failures > 0 ? `, ${failures} failures` : ''}`,
    );
  }
  const direct = cell.targets.direct as TargetMeasurement;
  for (const name of PROXY_NAMES) {
    const measured = cell.targets[name];
    if (measured)
      cell.derived[name] = derive(direct, measured, name === 'minimal' ? undefined : cell.targets.minimal);
  }
  return cell;
}

function parseConcurrency(text: string): number[] {
  const levels = text.split(',').map(Number);
  if (levels.some((level) => !(Number.isInteger(level) && level >= 1))) {
    throw new Error(`--concurrency takes positive integers separated by commas, got '${text}'`);
  }
  return levels;
}

function selectWorkloads(names: string | undefined): readonly OverheadWorkload[] {
  if (names === undefined) return OVERHEAD_WORKLOADS;
  return names.split(',').map((name) => {
    const found = OVERHEAD_WORKLOADS.find((workload) => workload.name === name);
    if (!found) {
      const available = OVERHEAD_WORKLOADS.map((workload) => workload.name).join(', ');
      throw new Error(`--workloads: no workload '${name}' (available: ${available})`);
    }
    return found;
  });
}

async function run(options: BenchmarkOptions): Promise<void> {
  const seconds = Number(options.flags.duration ?? (options.quick ? 1 : 5));
  const rounds = Number(options.flags.rounds ?? (options.quick ? 1 : 3));
  const concurrency = parseConcurrency(options.flags.concurrency ?? '1,10');
  const logLevel = (options.flags['log-level'] ?? 'info') as 'info' | 'warn' | 'silent';
  const workloads = selectWorkloads(options.flags.workloads);
  const loadBefore = loadavg()[0] ?? 0;
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: workloads.map((workload) => ({
      modelId: workload.model,
      backend: 'fake',
      options: { engineKind: workload.engineKind },
    })),
    logLevel,
    portRangeStart: 25_100,
  });
  let targets: Awaited<ReturnType<typeof startTargets>> | undefined;
  try {
    targets = await startTargets(gateway, workloads, {
      nginx: options.flags.nginx !== 'false',
      peer: options.peer,
    });
    for (const note of targets.skipped) log(note);
    const cells: OverheadCell[] = [];
    for (const workload of workloads) {
      const enginePid = gateway.engines.find((engine) => engine.modelId === workload.model)?.pid ?? 0;
      for (const target of targets.list) {
        await runLoad({
          url: target.url(workload),
          body: workload.body,
          headers: target.headers(workload),
          connections: 10,
          durationSeconds: options.quick ? 1 : 2,
        });
      }
      for (const level of concurrency) {
        cells.push(await measureCell(targets.list, workload, level, seconds, rounds, enginePid));
      }
    }
    const settings: OverheadSettings = {
      durationSecondsPerRun: seconds,
      rounds,
      targetRate: TARGET_RATE,
      concurrency,
      engine: '@sage/testing fake engine, --latency-ms 0',
      gatewayLogLevel: logLevel,
      baselines: targets.baselines,
      skipped: targets.skipped,
      peer: options.peer === 'portkey' ? '@portkey-ai/gateway 1.15.2' : null,
      loadGenerator: 'autocannon 8 (closed loop) and an undici Pool (open loop) in the bench process',
      cpuMeasurement: 'utime + stime of every thread of the target processes, from /proc/<pid>/stat',
      loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0] ?? 0, 2) },
    };
    const name = options.peer === 'portkey' ? 'overhead-portkey' : 'overhead';
    const previous = readResults<OverheadCell[]>(name);
    const notes = previous ? compareWithPrevious(previous, cells) : [];
    const markdown = renderOverheadMarkdown(cells, settings, notes);
    console.log(`\n${markdown}\n`);
    if (options.quick) return log('--quick: nothing written');
    log(`results written to ${writeResults(name, settings, cells)}`);
    updateBenchmarksDoc(name, markdown);
    log(`chart written to ${renderOverheadChart(cells, name)}`);
  } finally {
    await targets?.close();
    await gateway.close();
  }
}

export const overheadBenchmark: Benchmark = {
  name: 'overhead',
  description:
    'gateway vs direct engine, a minimal Node proxy and nginx: CPU per request, throughput, added latency (--peer portkey)',
  run,
};

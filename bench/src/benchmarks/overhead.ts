import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { type LoadResult, runLoad } from '../harness/load.js';
import { type PacedLoadResult, runPacedLoad } from '../harness/paced-load.js';
import { type PortkeyProcess, startPortkey } from '../harness/portkey.js';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { median, round } from '../harness/stats.js';
import { renderOverheadChart } from '../report/overhead-chart.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderOverheadMarkdown } from './overhead-report.js';
import { OVERHEAD_WORKLOADS, type OverheadWorkload } from './overhead-workloads.js';

export const CONCURRENCY_LEVELS = [1, 10, 50] as const;
/** The latency target is stated at this request rate. */
export const TARGET_RATE = 500;

/** One target of the overhead benchmark: the engine itself, our gateway, or a peer gateway. */
export type TargetName = 'direct' | 'sage' | 'portkey';

/** Measurements of one target in one (workload, concurrency) cell. */
export interface TargetMeasurement {
  /** Open throughput run: as fast as the target answers. */
  saturated: LoadResult;
  /** Open-loop run at {@link TARGET_RATE} requests/s, evenly spaced, over `concurrency` connections. */
  atRate: PacedLoadResult;
}

export interface OverheadCell {
  workload: OverheadWorkload['name'];
  concurrency: number;
  targets: Partial<Record<TargetName, TargetMeasurement>>;
  /** Per gateway: latency added over `direct` at the target rate, and throughput ratio vs `direct`. */
  derived: Partial<Record<Exclude<TargetName, 'direct'>, DerivedOverhead>>;
}

export interface DerivedOverhead {
  addedP50Ms: number;
  addedP99Ms: number;
  throughputRatio: number;
}

interface Target {
  name: TargetName;
  url(workload: OverheadWorkload): string;
  headers(workload: OverheadWorkload): Record<string, string>;
}

function derive(direct: TargetMeasurement, gateway: TargetMeasurement): DerivedOverhead {
  return {
    addedP50Ms: round(gateway.atRate.latencyMs.p50 - direct.atRate.latencyMs.p50, 3),
    addedP99Ms: round(gateway.atRate.latencyMs.p99 - direct.atRate.latencyMs.p99, 3),
    throughputRatio: round(gateway.saturated.requestsPerSecond / direct.saturated.requestsPerSecond, 3),
  };
}

function log(message: string): void {
  console.log(`[overhead] ${message}`);
}

/** One round on one target: an open-loop run at the target rate, then a saturating run. */
async function measureRound(
  target: Target,
  workload: OverheadWorkload,
  concurrency: number,
  seconds: number,
): Promise<{ paced: PacedLoadResult; open: LoadResult }> {
  const base = {
    url: target.url(workload),
    body: workload.body,
    headers: target.headers(workload),
    connections: concurrency,
    durationSeconds: seconds,
  };
  return { paced: await runPacedLoad({ ...base, rate: TARGET_RATE }), open: await runLoad(base) };
}

/**
 * Measure every target in `rounds` short rounds, the targets interleaved within each round, and
 * keep per statistic the median over rounds: a noisy neighbour that stalls one round moves one
 * value, not the result, and it hits the baseline as likely as the gateway.
 */
async function measureCell(
  targets: readonly Target[],
  workload: OverheadWorkload,
  concurrency: number,
  seconds: number,
  rounds: number,
): Promise<OverheadCell> {
  const samples = new Map<TargetName, { paced: PacedLoadResult[]; open: LoadResult[] }>();
  for (let round = 0; round < rounds; round += 1) {
    for (const target of targets) {
      const { paced, open } = await measureRound(target, workload, concurrency, seconds);
      const entry = samples.get(target.name) ?? { paced: [], open: [] };
      entry.paced.push(paced);
      entry.open.push(open);
      samples.set(target.name, entry);
    }
  }
  const cell: OverheadCell = { workload: workload.name, concurrency, targets: {}, derived: {} };
  for (const [name, entry] of samples) {
    const measured = { atRate: medianPaced(entry.paced), saturated: medianOpen(entry.open) };
    cell.targets[name] = measured;
    log(
      `${workload.name} c=${concurrency} ${name}: ${Math.round(measured.saturated.requestsPerSecond)} req/s, ` +
        `p50 ${measured.atRate.latencyMs.p50.toFixed(3)} ms, p99 ${measured.atRate.latencyMs.p99.toFixed(3)} ms at ${TARGET_RATE}/s` +
        (measured.saturated.failures + measured.atRate.failures > 0
          ? `, ${measured.saturated.failures + measured.atRate.failures} failures`
          : ''),
    );
  }
  const direct = cell.targets.direct as TargetMeasurement;
  for (const name of ['sage', 'portkey'] as const) {
    const measured = cell.targets[name];
    if (measured) cell.derived[name] = derive(direct, measured);
  }
  return cell;
}

async function run(options: BenchmarkOptions): Promise<void> {
  const seconds = Number(options.flags.duration ?? 1);
  const rounds = Number(options.flags.rounds ?? (options.quick ? 1 : 3));
  const logLevel = (options.flags['log-level'] ?? 'info') as 'info' | 'warn' | 'silent';
  if (options.peer !== undefined && options.peer !== 'portkey') {
    throw new Error(`unknown peer '${options.peer}' (available: portkey)`);
  }
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: OVERHEAD_WORKLOADS.map((workload) => ({
      modelId: workload.model,
      backend: 'fake',
      options: { engineKind: workload.engineKind },
    })),
    logLevel,
    portRangeStart: 25_100,
  });
  let portkey: PortkeyProcess | undefined;
  try {
    if (options.peer === 'portkey') portkey = await startPortkey();
    const engineUrl = (workload: OverheadWorkload) => {
      const engine = gateway.engines.find((candidate) => candidate.modelId === workload.model);
      return `http://127.0.0.1:${engine?.port}`;
    };
    const targets: Target[] = [
      { name: 'direct', url: (workload) => `${engineUrl(workload)}${workload.path}`, headers: () => ({}) },
      { name: 'sage', url: (workload) => `${gateway.url}${workload.path}`, headers: () => ({}) },
    ];
    if (portkey) {
      const peer = portkey;
      targets.push({
        name: 'portkey',
        url: (workload) => `${peer.url}${workload.path}`,
        headers: (workload) => peer.headers(workload.name, engineUrl(workload)),
      });
    }
    const cells: OverheadCell[] = [];
    for (const workload of OVERHEAD_WORKLOADS) {
      for (const target of targets) await runLoad({ ...warmup(target, workload), durationSeconds: 1 });
      for (const concurrency of CONCURRENCY_LEVELS) {
        cells.push(await measureCell(targets, workload, concurrency, seconds, rounds));
      }
    }
    const settings = {
      durationSecondsPerRun: seconds,
      rounds,
      targetRate: TARGET_RATE,
      concurrency: CONCURRENCY_LEVELS,
      engine: '@sage/testing fake engine, --latency-ms 0',
      gatewayLogLevel: logLevel,
      peer: portkey ? '@portkey-ai/gateway 1.15.2' : null,
      loadGenerator: 'autocannon 8 in the bench process; gateway and engine in their own processes',
    };
    const name = portkey ? 'overhead-portkey' : 'overhead';
    const markdown = renderOverheadMarkdown(cells, settings);
    console.log(`\n${markdown}\n`);
    if (options.quick) return log('--quick: nothing written');
    log(`results written to ${writeResults(name, settings, cells)}`);
    updateBenchmarksDoc(name, markdown);
    log(`chart written to ${renderOverheadChart(cells, name)}`);
  } finally {
    await portkey?.close();
    await gateway.close();
  }
}

function medianPaced(results: readonly PacedLoadResult[]): PacedLoadResult {
  const pick = (read: (result: PacedLoadResult) => number) => median(results.map(read));
  return {
    sentRate: pick((result) => result.sentRate),
    latencyMs: {
      p50: pick((result) => result.latencyMs.p50),
      p90: pick((result) => result.latencyMs.p90),
      p99: pick((result) => result.latencyMs.p99),
      count: results.reduce((sum, result) => sum + result.latencyMs.count, 0),
    },
    completed: results.reduce((sum, result) => sum + result.completed, 0),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
  };
}

function medianOpen(results: readonly LoadResult[]): LoadResult {
  const pick = (read: (result: LoadResult) => number) => median(results.map(read));
  return {
    requestsPerSecond: pick((result) => result.requestsPerSecond),
    latencyMs: {
      p50: pick((result) => result.latencyMs.p50),
      p90: pick((result) => result.latencyMs.p90),
      p99: pick((result) => result.latencyMs.p99),
      count: results.reduce((sum, result) => sum + result.latencyMs.count, 0),
    },
    completed: results.reduce((sum, result) => sum + result.completed, 0),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
  };
}

function warmup(target: Target, workload: OverheadWorkload) {
  return {
    url: target.url(workload),
    body: workload.body,
    headers: target.headers(workload),
    connections: 10,
  };
}

export const overheadBenchmark: Benchmark = {
  name: 'overhead',
  description: 'gateway vs direct engine: added latency at 500 req/s and throughput ratio (--peer portkey)',
  run,
};

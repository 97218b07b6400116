import { schedulingPolicyNames } from '@sage/control-plane';
import { Pool } from 'undici';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { round, seededRandom } from '../harness/stats.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import { renderSchedulingChart } from '../report/scheduling-chart.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import {
  FLEET,
  fleetEngines,
  SIM_MODEL,
  type SimulatedEngine,
  simulatedBackend,
} from './scheduling-fleet.js';
import { renderSchedulingMarkdown } from './scheduling-report.js';
import { type Route, type RunResult, runWorkload, summarise } from './scheduling-run.js';
import type { LoadResult } from './scheduling-types.js';
import { runVirtual, VIRTUAL_PREFIX_INDEX_CHUNKS } from './scheduling-virtual.js';
import {
  CLASS_MIX,
  generateWorkload,
  WORKLOADS,
  type WorkloadKind,
  type WorkloadRequest,
} from './scheduling-workload.js';

/** The client-side baseline of earlier versions: round-robin straight to the engines, no gateway queue. */
const CLIENT_ROUND_ROBIN = 'client_round_robin';
/** The reference every ratio is taken against: least-request inside the gateway. */
const REFERENCE = 'least_request';
const LOADS = [0.5, 0.8, 1.2, 1.5];

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** Runs one strategy on one workload; `close` ends whatever it started. */
interface StrategyRunner {
  run(strategy: string, requests: readonly WorkloadRequest[], salt: string): Promise<RunResult>;
  close(): Promise<void>;
}

/** Virtual time (the default): the gateway's scheduler in process, the fleet simulated in process. */
function virtualRunner(): StrategyRunner {
  return {
    run: (strategy, requests, salt) =>
      runVirtual(requests, {
        fleet: FLEET,
        model: SIM_MODEL,
        strategy,
        clientRoundRobin: CLIENT_ROUND_ROBIN,
        salt,
      }),
    close: async () => {},
  };
}

/** `--real`: the gateway in its own process, the engines as processes, streamed HTTP in real time. */
async function realRunner(): Promise<StrategyRunner> {
  const gateway = await spawnGateway({
    backends: [simulatedBackend],
    engines: fleetEngines(),
    logLevel: 'warn',
    scheduling: { queueCapacity: 100_000, queueTimeoutMs: 120_000 },
    portRangeStart: 25_250,
    mockGpuCount: FLEET.length,
  });
  const byEngineId = new Map<string, SimulatedEngine>(
    gateway.engines.map((engine, index) => [engine.engineId, FLEET[index] as SimulatedEngine]),
  );
  const gatewayPool = new Pool(gateway.url, { connections: 512 });
  const enginePools = gateway.engines.map(
    (engine) => new Pool(`http://127.0.0.1:${engine.port}`, { connections: 256 }),
  );
  const setPolicy = async (policy: string) => {
    const response = await fetch(`${gateway.url}/v1/management/policy`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...gateway.managementHeaders },
      body: JSON.stringify({ policy }),
    });
    if (!response.ok)
      throw new Error(`could not set policy ${policy}: ${response.status} ${await response.text()}`);
  };
  const cacheCounters = async () => {
    let prompt = 0;
    let cached = 0;
    for (const engine of gateway.engines) {
      const stats = (await (await fetch(`http://127.0.0.1:${engine.port}/sim/stats`)).json()) as {
        promptTokens: number;
        cachedTokens: number;
      };
      prompt += stats.promptTokens;
      cached += stats.cachedTokens;
    }
    return { prompt, cached };
  };
  return {
    async run(strategy, requests, salt) {
      let route: (request: WorkloadRequest) => Route;
      let engineOf: (
        headers: Record<string, string | string[] | undefined>,
        route: Route,
      ) => SimulatedEngine | undefined;
      if (strategy === CLIENT_ROUND_ROBIN) {
        let next = 0;
        route = () => ({ pool: enginePools[next++ % enginePools.length] as Pool, headers: {} });
        engineOf = (_headers, chosen) => FLEET[enginePools.indexOf(chosen.pool)];
      } else {
        await setPolicy(strategy);
        route = (request) => ({
          pool: gatewayPool,
          headers: {
            'x-request-priority': request.priority,
            ...(request.deadlineMs === undefined ? {} : { 'x-slo-deadline-ms': String(request.deadlineMs) }),
          },
        });
        engineOf = (headers) => byEngineId.get(headerOf(headers, 'x-sage-engine-id') ?? '');
      }
      const before = await cacheCounters();
      const result = await runWorkload(requests, route, engineOf, SIM_MODEL, salt);
      const after = await cacheCounters();
      const cacheHitRate = (after.cached - before.cached) / Math.max(1, after.prompt - before.prompt);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { ...result, cacheHitRate };
    },
    async close() {
      await gatewayPool.close();
      await Promise.all(enginePools.map((pool) => pool.close()));
      await gateway.close();
    },
  };
}

async function run(options: BenchmarkOptions): Promise<void> {
  const real = options.flags.real === 'true';
  const count = Number(options.flags.requests ?? (options.quick ? 40 : real ? 150 : 500));
  const repetitions = Number(options.flags.repetitions ?? (options.quick ? 1 : 2));
  const loads = options.flags.loads
    ? options.flags.loads.split(',').map(Number)
    : options.quick
      ? [0.8]
      : LOADS;
  const workloads = (options.flags.workloads?.split(',') ?? [...WORKLOADS]) as WorkloadKind[];
  const strategies = options.flags.strategies?.split(',') ?? [CLIENT_ROUND_ROBIN, ...schedulingPolicyNames];
  const runs = new Map<string, RunResult[]>();
  const cells = new Map<string, { workload: WorkloadKind; load: number; rate: number; capacity: number }>();
  const order = seededRandom(4242);
  const runner = real ? await realRunner() : virtualRunner();
  try {
    for (let repetition = 0; repetition < repetitions; repetition += 1) {
      for (const [workloadIndex, kind] of workloads.entries()) {
        for (const [loadIndex, load] of loads.entries()) {
          const workload = generateWorkload(
            kind,
            count,
            load,
            1000 + 100 * repetition + 10 * workloadIndex + loadIndex,
          );
          const cell = `${kind}@${load}`;
          cells.set(cell, {
            workload: kind,
            load,
            rate: round(load * workload.capacity, 1),
            capacity: round(workload.capacity, 1),
          });
          for (const strategy of shuffled(strategies, order)) {
            const salt = `run${repetition}${kind}${load}${strategy}`.replace(/[^a-z0-9]/gi, '');
            const result = await runner.run(strategy, workload.requests, salt);
            const cacheHitRate = result.cacheHitRate;
            const key = `${cell}:${strategy}`;
            runs.set(key, [...(runs.get(key) ?? []), { ...result, cacheHitRate }]);
            const ok = result.outcomes.filter((outcome) => outcome.status === 200).length;
            console.log(
              `[scheduling] rep ${repetition + 1}/${repetitions} ${kind} load ${load} ${strategy.padEnd(18)} ${ok}/${result.outcomes.length} ok in ${result.seconds.toFixed(1)} s, cache hits ${(cacheHitRate * 100).toFixed(0)}%`,
            );
          }
        }
      }
    }
    const results: LoadResult[] = [...cells.entries()].map(([cell, info]) => ({
      workload: info.workload,
      load: info.load,
      requestsPerSecond: info.rate,
      capacity: info.capacity,
      strategies: strategies.map((strategy) =>
        summarise(strategy, runs.get(`${cell}:${strategy}`) ?? [], FLEET),
      ),
    }));
    const settings = {
      requestsPerRun: count,
      repetitions,
      loads,
      workloads,
      fleet: FLEET,
      classMix: CLASS_MIX,
      reference: `${REFERENCE} (inside the gateway)`,
      mode: real ? 'real time over HTTP (--real)' : 'virtual time (the gateway scheduler in process)',
      ...(real ? {} : { prefixIndexChunks: VIRTUAL_PREFIX_INDEX_CHUNKS }),
    };
    const markdown = renderSchedulingMarkdown(results, settings);
    console.log(`\n${markdown}\n`);
    if (options.quick) return console.log('[scheduling] --quick: nothing written');
    console.log(`[scheduling] results written to ${writeResults('scheduling', settings, results)}`);
    updateBenchmarksDoc('scheduling', markdown);
    console.log(`[scheduling] chart written to ${renderSchedulingChart(results)}`);
  } finally {
    await runner.close();
  }
}

export const schedulingBenchmark: Benchmark = {
  name: 'scheduling',
  description:
    'our policies vs the peers’ algorithms inside the gateway (and client round-robin) on a simulated fleet with a prefix cache, shared-prefix and unique workloads, 0.5–1.5× capacity',
  run,
};

import { schedulingPolicyNames } from '@sage/control-plane';
import { Pool } from 'undici';
import { spawnGateway } from '../harness/spawn-gateway.js';
import { round } from '../harness/stats.js';
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
import { type Route, runWorkload, type StrategyResult } from './scheduling-run.js';
import { CLASS_MIX, fleetCapacity, generateWorkload, type WorkloadRequest } from './scheduling-workload.js';

export const BASELINE = 'round_robin';
const LOADS = [0.5, 0.8, 0.95];

/** Every strategy at one load, with ratios against round-robin at that load. */
export interface LoadResult {
  load: number;
  requestsPerSecond: number;
  strategies: Array<StrategyResult & { vsRoundRobin: ComparedToBaseline }>;
}

export interface ComparedToBaseline {
  urgentP99Ratio: number;
  normalP99Ratio: number;
  bulkP99Ratio: number;
  sloAttainmentDelta: number;
  throughputRatio: number;
  costRatio: number;
}

function compare(result: StrategyResult, baseline: StrategyResult): ComparedToBaseline {
  const ratio = (a: number, b: number) => round(a / b, 3);
  return {
    urgentP99Ratio: ratio(result.urgent.p99, baseline.urgent.p99),
    normalP99Ratio: ratio(result.perClass.normal.p99, baseline.perClass.normal.p99),
    bulkP99Ratio: ratio(result.bulk.p99, baseline.bulk.p99),
    sloAttainmentDelta: round(result.sloAttainment - baseline.sloAttainment, 4),
    throughputRatio: ratio(result.throughput, baseline.throughput),
    costRatio: ratio(result.costPerRequest, baseline.costPerRequest),
  };
}

function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function run(options: BenchmarkOptions): Promise<void> {
  const count = Number(options.flags.requests ?? (options.quick ? 60 : 300));
  const loads = options.quick ? [0.8] : LOADS;
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
  try {
    const results: LoadResult[] = [];
    for (const [loadIndex, load] of loads.entries()) {
      const workload = generateWorkload(count, load, 1000 + loadIndex);
      const strategies: StrategyResult[] = [];
      let next = 0;
      const roundRobin = (_request: WorkloadRequest): Route => {
        const pool = enginePools[next % enginePools.length] as Pool;
        next += 1;
        return { pool, headers: {} };
      };
      strategies.push(
        await runWorkload(
          BASELINE,
          load,
          workload,
          roundRobin,
          (_headers, route) => FLEET[enginePools.indexOf(route.pool)],
          SIM_MODEL,
        ),
      );
      for (const policy of schedulingPolicyNames) {
        await setPolicy(policy);
        const viaGateway = (request: WorkloadRequest): Route => ({
          pool: gatewayPool,
          headers: {
            'x-request-priority': request.priority,
            ...(request.deadlineMs === undefined ? {} : { 'x-slo-deadline-ms': String(request.deadlineMs) }),
          },
        });
        strategies.push(
          await runWorkload(
            policy,
            load,
            workload,
            viaGateway,
            (headers) => byEngineId.get(headerOf(headers, 'x-sage-engine-id') ?? ''),
            SIM_MODEL,
          ),
        );
      }
      const baseline = strategies[0] as StrategyResult;
      const entry: LoadResult = {
        load,
        requestsPerSecond: round(load * fleetCapacity(), 1),
        strategies: strategies.map((result) => ({ ...result, vsRoundRobin: compare(result, baseline) })),
      };
      for (const result of entry.strategies) {
        console.log(
          `[scheduling] load ${load} ${result.strategy.padEnd(14)} urgent p99 ${result.urgent.p99.toFixed(0)} ms, ` +
            `SLO ${(result.sloAttainment * 100).toFixed(1)}%, ${result.throughput} req/s, cost ${result.costPerRequest}, ` +
            `failures ${result.failures}, share ${JSON.stringify(result.engineShare)}`,
        );
      }
      results.push(entry);
    }
    const settings = {
      requestsPerRun: count,
      loads,
      fleetCapacityRequestsPerSecond: round(fleetCapacity(), 1),
      fleet: FLEET,
      classMix: CLASS_MIX,
      baseline: 'round-robin by the client straight to the engines (no gateway, no queue)',
    };
    const markdown = renderSchedulingMarkdown(results, settings);
    console.log(`\n${markdown}\n`);
    if (options.quick) return console.log('[scheduling] --quick: nothing written');
    console.log(`[scheduling] results written to ${writeResults('scheduling', settings, results)}`);
    updateBenchmarksDoc('scheduling', markdown);
    console.log(`[scheduling] chart written to ${renderSchedulingChart(results)}`);
  } finally {
    await gatewayPool.close();
    await Promise.all(enginePools.map((pool) => pool.close()));
    await gateway.close();
  }
}

export const schedulingBenchmark: Benchmark = {
  name: 'scheduling',
  description: 'every policy vs client-side round-robin on a simulated fleet with a mixed workload',
  run,
};

import { spawn } from 'node:child_process';
import { fakeEnginePath } from '@sage/testing';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { type GatewayProcess, spawnGateway } from '../harness/spawn-gateway.js';
import { median, percentiles, round } from '../harness/stats.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderSwapMarkdown } from './swap-report.js';
import type { ColdStartResult, LoopResult, SwapResults } from './swap-types.js';

const PORT_BASE = 25_600;

/** Spawn the fake engine as an operator would and time spawn → first 200 on /health. */
async function directStart(startMs: number, port: number): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [fakeEnginePath, '--port', String(port), '--slow-start-ms', String(startMs)],
    {
      stdio: 'ignore',
    },
  );
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) return performance.now() - startedAt;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function chat(gateway: GatewayProcess, model: string): Promise<{ status: string; ms: number }> {
  const startedAt = performance.now();
  const status = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }], max_tokens: 4 }),
    signal: AbortSignal.timeout(120_000),
  }).then(
    async (response) => {
      await response.arrayBuffer();
      return String(response.status);
    },
    (error: unknown) => (error instanceof Error ? error.name : 'error'),
  );
  return { status, ms: performance.now() - startedAt };
}

async function management(gateway: GatewayProcess, path: string): Promise<void> {
  const response = await fetch(`${gateway.url}/v1/management${path}`, {
    method: 'POST',
    headers: gateway.managementHeaders,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
}

/** Sum of a counter's series in the gateway's /metrics. */
async function counter(gateway: GatewayProcess, name: string): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.split(' ').at(-1));
  }
  return total;
}

async function coldStart(trials: number, engineStartMs: number): Promise<ColdStartResult> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [],
    logLevel: 'warn',
    health: { readinessPollMs: 10 },
    portRangeStart: PORT_BASE,
    models: [
      {
        name: 'cold',
        backend: 'fake',
        model_id: 'fake/cold',
        use_gpu: false,
        args: ['--slow-start-ms', String(engineStartMs)],
      },
    ],
  });
  const results: ColdStartResult['trials'] = [];
  try {
    for (let index = 0; index < trials; index += 1) {
      const directMs = await directStart(engineStartMs, PORT_BASE + 60);
      const answer = await chat(gateway, 'cold');
      if (answer.status !== '200') throw new Error(`cold request answered ${answer.status}`);
      await management(gateway, '/catalog/cold/unload');
      results.push({ directMs: round(directMs, 1), gatewayMs: round(answer.ms, 1) });
      console.log(
        `[swap] cold #${index + 1}: direct ${round(directMs, 1)} ms, through the gateway ${round(answer.ms, 1)} ms`,
      );
    }
  } finally {
    await gateway.close();
  }
  const medianDirectMs = median(results.map((trial) => trial.directMs));
  const medianGatewayMs = median(results.map((trial) => trial.gatewayMs));
  return {
    engineStartMs,
    trials: results,
    medianDirectMs: round(medianDirectMs, 1),
    medianGatewayMs: round(medianGatewayMs, 1),
    ratio: round(medianGatewayMs / medianDirectMs, 3),
  };
}

/** `clients` closed-loop clients for `durationMs`, each request for `pick(n)`. */
async function closedLoop(
  gateway: GatewayProcess,
  options: {
    clients: number;
    durationMs: number;
    pick: (sequence: number) => string;
    serviceMs: number;
    fleet: string;
  },
): Promise<LoopResult> {
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  const deadline = performance.now() + options.durationMs;
  let sequence = 0;
  const loadsBefore = await counter(gateway, 'sage_model_loads_total');
  const evictionsBefore = await counter(gateway, 'sage_model_evictions_total');
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      while (performance.now() < deadline) {
        const answer = await chat(gateway, options.pick(sequence++));
        if (answer.status === '200') latencies.push(answer.ms);
        else failed[answer.status] = (failed[answer.status] ?? 0) + 1;
      }
    }),
  );
  const stats = percentiles(latencies);
  return {
    fleet: options.fleet,
    answered: latencies.length,
    failed,
    loads: (await counter(gateway, 'sage_model_loads_total')) - loadsBefore,
    evictions: (await counter(gateway, 'sage_model_evictions_total')) - evictionsBefore,
    p50Ms: round(stats.p50, 1),
    p99Ms: round(stats.p99, 1),
    p99WaitMs: round(Math.max(0, stats.p99 - options.serviceMs), 1),
  };
}

const SERVICE_MS = 50;
/** Service time in the replica step: long enough that the engines wait, not the CPU. */
const STEP_SERVICE_MS = 200;

/** (b) Round-robin over 3 models: 2 fit at once (10 GB each on one 24 GB GPU) vs all 3 (8 GB each). */
async function roundRobin(
  durationMs: number,
  slot: number,
  memoryGb: number,
  fleet: string,
): Promise<LoopResult> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [],
    logLevel: 'warn',
    health: { readinessPollMs: 10 },
    portRangeStart: PORT_BASE + 100 + slot * 50,
    mockGpuCount: 1,
    mockGpuMemoryGb: 24,
    modelLoading: { minResidencyMs: 1_000, placementPollMs: 20 },
    models: ['rr-1', 'rr-2', 'rr-3'].map((name) => ({
      name,
      backend: 'fake',
      model_id: `fake/${name}`,
      use_gpu: true,
      memory_gb: memoryGb,
      args: ['--slow-start-ms', '300', '--latency-ms', String(SERVICE_MS)],
    })),
  });
  try {
    return await closedLoop(gateway, {
      clients: 3,
      durationMs,
      pick: (sequence) => `rr-${(sequence % 3) + 1}`,
      serviceMs: SERVICE_MS,
      fleet,
    });
  } finally {
    await gateway.close();
  }
}

/** (c) A step of 16 closed-loop clients on one model whose engine serves 2 at a time: max_replicas 1 vs 3. */
async function replicaStep(durationMs: number, slot: number, maxReplicas: number): Promise<LoopResult> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [],
    logLevel: 'warn',
    health: { readinessPollMs: 10 },
    portRangeStart: PORT_BASE + 300 + slot * 50,
    modelLoading: { scaleUpQueueWaitMs: 200, checkIntervalMs: 50 },
    models: [
      {
        name: 'step',
        backend: 'fake',
        model_id: 'fake/step',
        use_gpu: false,
        max_replicas: maxReplicas,
        max_concurrent_requests: 2,
        args: ['--latency-ms', String(STEP_SERVICE_MS)],
      },
    ],
  });
  try {
    // Warm: the first engine is loaded before the step.
    await chat(gateway, 'step');
    return await closedLoop(gateway, {
      clients: 16,
      durationMs,
      pick: () => 'step',
      serviceMs: STEP_SERVICE_MS,
      fleet: `max_replicas: ${maxReplicas}`,
    });
  } finally {
    await gateway.close();
  }
}

async function run(options: BenchmarkOptions): Promise<void> {
  const trials = Number(options.flags.trials ?? (options.quick ? 2 : 5));
  const durationMs = Number(options.flags['duration-ms'] ?? (options.quick ? 3_000 : 10_000));
  const engineStartMs = Number(options.flags['start-ms'] ?? (options.quick ? 500 : 2_000));
  const results: SwapResults = {
    cold: await coldStart(trials, engineStartMs),
    roundRobin: [
      await roundRobin(durationMs, 0, 10, '2 of 3 fit (10 GB each, one 24 GB GPU)'),
      await roundRobin(durationMs, 1, 8, 'all 3 fit (8 GB each)'),
    ],
    replicas: [await replicaStep(durationMs, 0, 1), await replicaStep(durationMs, 1, 3)],
  };
  for (const result of [...results.roundRobin, ...results.replicas])
    console.log(`[swap] ${JSON.stringify(result)}`);
  const markdown = renderSwapMarkdown(results, {
    durationMs,
    serviceMs: SERVICE_MS,
    stepServiceMs: STEP_SERVICE_MS,
  });
  console.log(`\n${markdown}\n`);
  if (options.quick) return console.log('[swap] --quick: nothing written');
  console.log(
    `[swap] results written to ${writeResults('swap', { trials, durationMs, engineStartMs }, results)}`,
  );
  updateBenchmarksDoc('swap', markdown);
}

export const swapBenchmark: Benchmark = {
  name: 'swap',
  description:
    'on-demand models: cold request ÷ direct engine start, round-robin over 3 models of which 2 fit, replicas under a load step',
  run,
};

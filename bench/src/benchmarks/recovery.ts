import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { type GatewayProcess, spawnGateway } from '../harness/spawn-gateway.js';
import { median, round } from '../harness/stats.js';
import { waitUntil } from '../harness/wait.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderRecoveryMarkdown } from './recovery-report.js';

const MODEL = 'fake/recover';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'are you back?' }] });

/** Health and restart settings of one recovery configuration. */
export interface RecoverySettings {
  name: string;
  healthCheckIntervalMs: number;
  restartBackoffBaseMs: number;
  readinessPollMs: number;
  consecutiveFailuresThreshold: number;
}

/** One kill -9, in ms from the kill. */
export interface RecoveryTrial {
  /** The gateway saw the engine go (state RESTARTING). */
  detectedMs: number;
  /** The new process was spawned (state STARTING): detection + backoff + spawn. */
  respawnedMs: number;
  /** The engine passed its readiness check (state RUNNING). */
  readyMs: number;
  /** The first 200 answer through the gateway for the model. */
  servingMs: number;
  /** Requests the poller sent while the engine was gone, and how they were answered. */
  answers: Record<string, number>;
}

export interface RecoveryResult {
  settings: RecoverySettings;
  /** ms from the start request to RUNNING for the same engine, cold, in the same run. */
  coldStartMs: number;
  trials: RecoveryTrial[];
  medianServingMs: number;
  /** Median time to serve again ÷ the configured backoff (the floor a restart cannot beat). */
  servingOverBackoff: number;
  /** Median time to serve again ÷ a cold start of the same engine. */
  servingOverColdStart: number;
}

export const RECOVERY_SETTINGS: readonly RecoverySettings[] = [
  {
    name: 'defaults',
    healthCheckIntervalMs: 10_000,
    restartBackoffBaseMs: 1_000,
    readinessPollMs: 250,
    consecutiveFailuresThreshold: 2,
  },
  {
    name: 'fast',
    healthCheckIntervalMs: 1_000,
    restartBackoffBaseMs: 100,
    readinessPollMs: 25,
    consecutiveFailuresThreshold: 2,
  },
];

/** Send a chat request through the gateway every `pollMs` until one answers 200; count the answers. */
async function pollUntilServing(url: string, answers: Record<string, number>): Promise<number> {
  const startedAt = performance.now();
  for (;;) {
    const status = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        return String(response.status);
      },
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    );
    answers[status] = (answers[status] ?? 0) + 1;
    if (status === '200') return performance.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function trial(gateway: GatewayProcess, engineId: string): Promise<RecoveryTrial> {
  const pid = await currentPid(gateway, engineId);
  const from = gateway.states.length;
  const answers: Record<string, number> = {};
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  const servingMs = await pollUntilServing(gateway.url, answers);
  const at = async (to: string) =>
    (await gateway.waitForState((state) => state.engineId === engineId && state.to === to, { from })).at -
    killedAt;
  return {
    detectedMs: await at('RESTARTING'),
    respawnedMs: await at('STARTING'),
    readyMs: await at('RUNNING'),
    servingMs: round(servingMs, 1),
    answers,
  };
}

async function currentPid(gateway: GatewayProcess, engineId: string): Promise<number> {
  let pid: number | undefined;
  await waitUntil(async () => {
    const response = await fetch(`${gateway.url}/v1/management/engines/${engineId}`);
    const engine = (await response.json()) as { status: string; pid: number | null };
    pid = engine.status === 'RUNNING' && engine.pid ? engine.pid : undefined;
    return pid !== undefined;
  }, 30_000);
  return pid as number;
}

async function measure(settings: RecoverySettings, trials: number, slot: number): Promise<RecoveryResult> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [{ modelId: MODEL, backend: 'fake' }],
    logLevel: 'warn',
    health: {
      intervalMs: settings.healthCheckIntervalMs,
      restartBackoffBaseMs: settings.restartBackoffBaseMs,
      readinessPollMs: settings.readinessPollMs,
      consecutiveFailuresThreshold: settings.consecutiveFailuresThreshold,
      maxRestartAttempts: trials + 2,
      // Each kill is a fresh first attempt: the counter resets once the engine is stable.
      restartResetAfterMs: 1,
    },
    portRangeStart: 25_300 + slot * 50,
  });
  try {
    const engineId = gateway.engines[0]!.engineId;
    const results: RecoveryTrial[] = [];
    for (let index = 0; index < trials; index += 1) {
      const result = await trial(gateway, engineId);
      console.log(
        `[recovery] ${settings.name} #${index + 1}: detected ${result.detectedMs} ms, respawned ${result.respawnedMs} ms, ` +
          `ready ${result.readyMs} ms, serving ${result.servingMs} ms (${JSON.stringify(result.answers)})`,
      );
      results.push(result);
    }
    const medianServingMs = median(results.map((result) => result.servingMs));
    const coldStartMs = round(gateway.coldStartMs[0] ?? Number.NaN, 1);
    return {
      settings,
      coldStartMs,
      trials: results,
      medianServingMs: round(medianServingMs, 1),
      servingOverBackoff: round(medianServingMs / settings.restartBackoffBaseMs, 2),
      servingOverColdStart: round(medianServingMs / coldStartMs, 2),
    };
  } finally {
    await gateway.close();
  }
}

async function run(options: BenchmarkOptions): Promise<void> {
  const trials = Number(options.flags.trials ?? (options.quick ? 1 : 5));
  const results: RecoveryResult[] = [];
  for (const [slot, settings] of RECOVERY_SETTINGS.entries())
    results.push(await measure(settings, trials, slot));
  const markdown = renderRecoveryMarkdown(results);
  console.log(`\n${markdown}\n`);
  if (options.quick) return console.log('[recovery] --quick: nothing written');
  console.log(`[recovery] results written to ${writeResults('recovery', { trials }, results)}`);
  updateBenchmarksDoc('recovery', markdown);
}

export const recoveryBenchmark: Benchmark = {
  name: 'recovery',
  description:
    'kill -9 of an engine until the gateway serves its model again (detection, restart, readiness)',
  run,
};

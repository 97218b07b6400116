import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { type GatewayProcess, spawnGateway } from '../harness/spawn-gateway.js';
import { median, round } from '../harness/stats.js';
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
  /** Median ms from the start request (management API) to RUNNING of the same engines, in the same run. */
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

/** Never wait longer than this for the gateway to serve again after a kill. */
const SERVING_DEADLINE_MS = 60_000;

/**
 * Send chat requests through the gateway, one after the other, until one answers 200; count the
 * answers (a refused or reset connection counts under its error name). Throws at the deadline.
 */
async function pollUntilServing(url: string, answers: Record<string, number>): Promise<void> {
  const deadline = Date.now() + SERVING_DEADLINE_MS;
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
    if (status === '200') return;
    if (Date.now() > deadline) {
      throw new Error(
        `gateway not serving ${SERVING_DEADLINE_MS} ms after the kill: ${JSON.stringify(answers)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface StartedEngine {
  engine_id: string;
  pid: number;
  status: string;
}

/** Start a fresh engine for the model through the management API and wait until it is RUNNING. */
async function startEngine(gateway: GatewayProcess): Promise<{ engine: StartedEngine; coldStartMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${gateway.url}/v1/management/engines?wait=true&wait_timeout_ms=30000`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gateway.managementHeaders },
    body: JSON.stringify({ model_id: MODEL, backend: 'fake', use_gpu: false }),
  });
  const engine = (await response.json()) as StartedEngine;
  if (response.status !== 201 || engine.status !== 'RUNNING') {
    throw new Error(`engine did not start: ${response.status} ${JSON.stringify(engine)}`);
  }
  return { engine, coldStartMs: performance.now() - startedAt };
}

/**
 * One kill -9 of a fresh engine (so every trial is a first restart attempt, with the base
 * backoff), timed from the kill; the engine is deleted afterwards.
 */
async function trial(gateway: GatewayProcess): Promise<RecoveryTrial & { coldStartMs: number }> {
  const { engine, coldStartMs } = await startEngine(gateway);
  const from = gateway.states.length;
  const answers: Record<string, number> = {};
  const killedAt = Date.now();
  process.kill(engine.pid, 'SIGKILL');
  await pollUntilServing(gateway.url, answers);
  const servingMs = Date.now() - killedAt;
  const at = async (to: string) =>
    (
      await gateway.waitForState(
        // The start's own STARTING → RUNNING may reach the channel after the start call returned.
        (state) => state.engineId === engine.engine_id && state.to === to && state.at >= killedAt,
        { from },
      )
    ).at - killedAt;
  const result = {
    detectedMs: await at('RESTARTING'),
    respawnedMs: await at('STARTING'),
    readyMs: await at('RUNNING'),
    servingMs,
    answers,
    coldStartMs: round(coldStartMs, 1),
  };
  await fetch(`${gateway.url}/v1/management/engines/${engine.engine_id}`, {
    method: 'DELETE',
    headers: gateway.managementHeaders,
  });
  return result;
}

async function measure(settings: RecoverySettings, trials: number, slot: number): Promise<RecoveryResult> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [],
    logLevel: 'warn',
    health: {
      intervalMs: settings.healthCheckIntervalMs,
      restartBackoffBaseMs: settings.restartBackoffBaseMs,
      readinessPollMs: settings.readinessPollMs,
      consecutiveFailuresThreshold: settings.consecutiveFailuresThreshold,
    },
    portRangeStart: 25_300 + slot * 50,
  });
  try {
    const results: Array<RecoveryTrial & { coldStartMs: number }> = [];
    for (let index = 0; index < trials; index += 1) {
      const result = await trial(gateway);
      console.log(
        `[recovery] ${settings.name} #${index + 1}: detected ${result.detectedMs} ms, respawned ${result.respawnedMs} ms, ` +
          `ready ${result.readyMs} ms, serving ${result.servingMs} ms (${JSON.stringify(result.answers)})`,
      );
      results.push(result);
    }
    const medianServingMs = median(results.map((result) => result.servingMs));
    const coldStartMs = round(median(results.map((result) => result.coldStartMs)), 1);
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

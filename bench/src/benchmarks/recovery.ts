import { readFileSync } from 'node:fs';
import { fakeEngineBackend } from '../harness/fake-engine-backend.js';
import { type GatewayProcess, spawnGateway } from '../harness/spawn-gateway.js';
import { median, round } from '../harness/stats.js';
import { updateBenchmarksDoc, writeResults } from '../report/results.js';
import type { Benchmark, BenchmarkOptions } from './benchmark.js';
import { renderRecoveryMarkdown } from './recovery-report.js';
import type { RecoveryFault, RecoveryResult, RecoverySettings, RecoveryTrial } from './recovery-types.js';

const MODEL = 'fake/recover';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'are you back?' }] });

const RECOVERY_SETTINGS: readonly RecoverySettings[] = [
  {
    name: 'defaults',
    healthCheckIntervalMs: 10_000,
    restartBackoffBaseMs: 1_000,
    readinessPollMs: 250,
    consecutiveFailuresThreshold: 2,
    processSampleIntervalMs: 500,
  },
  {
    name: 'fast',
    healthCheckIntervalMs: 1_000,
    restartBackoffBaseMs: 100,
    readinessPollMs: 25,
    consecutiveFailuresThreshold: 2,
    processSampleIntervalMs: 100,
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
 * One kill -9 (or SIGSTOP) of a fresh engine (so every trial is a first restart attempt, with the
 * base backoff), timed from the signal; the engine is deleted afterwards. After a SIGSTOP the first
 * request is already on its way to the frozen engine: it is answered once the engine is back.
 */
async function trial(
  gateway: GatewayProcess,
  fault: RecoveryFault,
): Promise<RecoveryTrial & { coldStartMs: number }> {
  const { engine, coldStartMs } = await startEngine(gateway);
  const from = gateway.states.length;
  const answers: Record<string, number> = {};
  const killedAt = Date.now();
  process.kill(engine.pid, fault);
  try {
    await pollUntilServing(gateway.url, answers);
  } finally {
    // The supervisor SIGKILLs a frozen engine; never leave one behind if it did not.
    if (fault === 'SIGSTOP' && isStopped(engine.pid)) killQuietly(engine.pid);
  }
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

/** Whether `pid` is a stopped process (state T in /proc): the frozen engine, still there. */
function isStopped(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T');
  } catch {
    return false;
  }
}

function killQuietly(pid: number): boolean {
  try {
    return process.kill(pid, 'SIGKILL');
  } catch {
    return false;
  }
}

/** Median serving-again time, medians of the phases and the cold start of one fault's trials. */
function summarise(
  settings: RecoverySettings,
  fault: RecoveryFault,
  results: ReadonlyArray<RecoveryTrial & { coldStartMs: number }>,
  killServingMs: number,
): RecoveryResult {
  const medianServingMs = median(results.map((result) => result.servingMs));
  const coldStartMs = round(median(results.map((result) => result.coldStartMs)), 1);
  return {
    settings,
    fault,
    coldStartMs,
    trials: [...results],
    medianServingMs: round(medianServingMs, 1),
    servingOverBackoff: round(medianServingMs / settings.restartBackoffBaseMs, 2),
    servingOverColdStart: round(medianServingMs / coldStartMs, 2),
    servingOverKill: round(medianServingMs / killServingMs, 2),
  };
}

const FAULTS: readonly RecoveryFault[] = ['SIGKILL', 'SIGSTOP'];

/** kill -9 and SIGSTOP trials, alternating, over one gateway with one set of settings. */
async function measure(settings: RecoverySettings, trials: number, slot: number): Promise<RecoveryResult[]> {
  const gateway = await spawnGateway({
    backends: [fakeEngineBackend],
    engines: [],
    logLevel: 'warn',
    health: {
      intervalMs: settings.healthCheckIntervalMs,
      restartBackoffBaseMs: settings.restartBackoffBaseMs,
      readinessPollMs: settings.readinessPollMs,
      consecutiveFailuresThreshold: settings.consecutiveFailuresThreshold,
      processSampleIntervalMs: settings.processSampleIntervalMs,
    },
    portRangeStart: 25_300 + slot * 50,
  });
  try {
    const results = new Map<RecoveryFault, Array<RecoveryTrial & { coldStartMs: number }>>(
      FAULTS.map((fault) => [fault, []]),
    );
    for (let index = 0; index < trials; index += 1) {
      for (const fault of FAULTS) {
        const result = await trial(gateway, fault);
        console.log(
          `[recovery] ${settings.name} ${fault} #${index + 1}: detected ${result.detectedMs} ms, respawned ${result.respawnedMs} ms, ` +
            `ready ${result.readyMs} ms, serving ${result.servingMs} ms (${JSON.stringify(result.answers)})`,
        );
        results.get(fault)?.push(result);
      }
    }
    const killServingMs = median((results.get('SIGKILL') ?? []).map((result) => result.servingMs));
    return FAULTS.map((fault) => summarise(settings, fault, results.get(fault) ?? [], killServingMs));
  } finally {
    await gateway.close();
  }
}

async function run(options: BenchmarkOptions): Promise<void> {
  const trials = Number(options.flags.trials ?? (options.quick ? 1 : 5));
  const results: RecoveryResult[] = [];
  for (const [slot, settings] of RECOVERY_SETTINGS.entries())
    results.push(...(await measure(settings, trials, slot)));
  const markdown = renderRecoveryMarkdown(results);
  console.log(`\n${markdown}\n`);
  if (options.quick) return console.log('[recovery] --quick: nothing written');
  console.log(`[recovery] results written to ${writeResults('recovery', { trials }, results)}`);
  updateBenchmarksDoc('recovery', markdown);
}

export const recoveryBenchmark: Benchmark = {
  name: 'recovery',
  description:
    'kill -9 or SIGSTOP of an engine until the gateway serves its model again (detection, restart, readiness), SIGSTOP as a ratio of kill -9',
  run,
};

import { afterEach, describe, expect, it } from 'vitest';
import {
  type Answer,
  isPidAlive,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

const SLOT = 20;
const MODEL = 'fake/frozen';
const IN_FLIGHT = 14;

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

/** Each request stays in flight this long, so all of them are on the engine when it freezes. */
const LATENCY_MS = 2_000;

/**
 * The health loop is slow on purpose (every 30 s, 10 s timeout): a frozen process must be found
 * by its state (T), not by health checks timing out.
 */
async function gatewayWithOneEngine(slot: number) {
  const gateway = await startReliabilityGateway(slot, {
    managerOptions: {
      healthCheckIntervalMs: 30_000,
      healthCheckTimeoutMs: 10_000,
      processSampleIntervalMs: 50,
      // A long stop timeout: a frozen engine must not wait it out.
      stopTimeoutMs: 20_000,
    },
  });
  gateways.push(gateway);
  const engine = await gateway.startEngine(MODEL, { extraArgs: ['--latency-ms', String(LATENCY_MS)] });
  return { gateway, engine };
}

function chat(url: string, index: number): Promise<Answer> {
  return postJson(
    `${url}/v1/chat/completions`,
    { model: MODEL, messages: [{ role: 'user', content: `request ${index}` }] },
    { timeoutMs: 20_000 },
  );
}

describe('a frozen engine (SIGSTOP)', () => {
  it('requests in flight on it are re-queued and complete on its restarted process', async () => {
    const { gateway, engine } = await gatewayWithOneEngine(SLOT);
    const { manager } = gateway.gateway;
    const pid = engine.pid as number;
    const answers = Array.from({ length: IN_FLIGHT }, (_, index) => chat(gateway.url, index));
    await waitFor(() => manager.engineLoad(engine.engineId) === IN_FLIGHT, 15_000);
    const frozenAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      const settled = await Promise.all(answers);
      const recoveredMs = Date.now() - frozenAt;
      expect(settled.map((answer) => answer.status)).toEqual(Array(IN_FLIGHT).fill(200));
      const pids = new Set(settled.map((answer) => (answer.body as { engine_pid: number }).engine_pid));
      expect(pids.has(pid)).toBe(false);
      const restarted = manager.getEngine(engine.engineId);
      expect(restarted.status).toBe('RUNNING');
      expect(pids).toEqual(new Set([restarted.pid]));
      // Found by its state within a few samples (not by a health check 30 s later), SIGKILLed
      // without the 20 s stop timeout, restarted, and the requests served again.
      expect(recoveredMs).toBeLessThan(LATENCY_MS + 10_000);
      expect(isPidAlive(pid)).toBe(false);
    } finally {
      if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a stop of a frozen engine completes without waiting out the stop timeout', async () => {
    const { gateway, engine } = await gatewayWithOneEngine(SLOT + 1);
    const { manager } = gateway.gateway;
    const pid = engine.pid as number;
    // Out of the supervisor's sight, so the stop meets the frozen process itself.
    gateway.parts.supervisor.close();
    process.kill(pid, 'SIGSTOP');
    const started = Date.now();
    try {
      const stopped = await manager.requestEngineShutdown(engine.engineId);
      expect(stopped.status).toBe('STOPPED');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(isPidAlive(pid)).toBe(false);
    } finally {
      if (isPidAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});

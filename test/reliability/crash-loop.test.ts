import { afterEach, describe, expect, it } from 'vitest';
import {
  managementHeaders,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

describe('a crash-looping engine', () => {
  it('ends FAILED after maxRestartAttempts with its log tail, while the other engines keep serving', async () => {
    const gateway = await startReliabilityGateway(5, {
      managerOptions: { maxRestartAttempts: 3, restartBackoffBaseMs: 50, healthCheckIntervalMs: 100 },
    });
    gateways.push(gateway);
    await gateway.startEngine('fake/good');
    // Becomes RUNNING, then crashes 150 ms after every start.
    const broken = await gateway.startEngine('fake/broken', { extraArgs: ['--crash-after-ms', '150'] });

    const answers: number[] = [];
    let done = false;
    const traffic = (async () => {
      while (!done) {
        const answer = await postJson(
          `${gateway.url}/v1/chat/completions`,
          { model: 'fake/good', messages: [{ role: 'user', content: 'still there?' }] },
          { timeoutMs: 10_000 },
        );
        answers.push(answer.status);
      }
    })();
    const { manager } = gateway.gateway;
    await waitFor(() => manager.getEngine(broken.engineId).status === 'FAILED', 30_000);
    done = true;
    await traffic;

    const failed = manager.getEngine(broken.engineId);
    expect(failed.restartCount).toBe(3);
    expect(failed.lastExitCode).toBe(1);
    expect(failed.lastError).toMatch(/gave up after 3 restart attempt/);
    expect(failed.lastError).toMatch(/simulated crash/);
    // The same through the management API, snake_case.
    const headers = managementHeaders(gateway);
    const response = await fetch(`${gateway.url}/v1/management/engines/${broken.engineId}`, { headers });
    const wire = (await response.json()) as { status: string; last_error: string; restart_count: number };
    expect(wire).toMatchObject({ status: 'FAILED', restart_count: 3 });
    expect(wire.last_error).toMatch(/simulated crash/);
    const logs = await fetch(`${gateway.url}/v1/management/engines/${broken.engineId}/logs?tail=50`, {
      headers,
    });
    expect(((await logs.json()) as { lines: string[] }).lines.join('\n')).toMatch(/simulated crash/);
    // Its port is free again; it is not restarted any more.
    expect(gateway.parts.ports.reservations().has(failed.port)).toBe(false);

    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    const good = manager.listEngines().find((engine) => engine.modelId === 'fake/good');
    expect(good?.status).toBe('RUNNING');
    expect(good?.restartCount).toBe(0);
  });

  it('an engine that cannot start at all ends FAILED with its own error output, quickly', async () => {
    const gateway = await startReliabilityGateway(6, {
      managerOptions: { maxRestartAttempts: 2, restartBackoffBaseMs: 50, healthCheckIntervalMs: 100 },
    });
    gateways.push(gateway);
    const { manager } = gateway.gateway;
    const engine = await manager.requestEngineStartup('fake/never', {
      backend: 'fake',
      useGpu: false,
      extraArgs: ['--exit-at-start', '3'],
    });
    await expect(manager.waitForEngine(engine.engineId, { timeoutMs: 20_000 })).rejects.toThrow(/FAILED/);
    const failed = manager.getEngine(engine.engineId);
    expect(failed).toMatchObject({ status: 'FAILED', restartCount: 2, lastExitCode: 3 });
    expect(failed.lastError).toMatch(/refusing to start \(exit code 3\)/);
  });
});

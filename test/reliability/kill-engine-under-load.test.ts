import { afterEach, describe, expect, it } from 'vitest';
import {
  type Answer,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

const gateways: ReliabilityGateway[] = [];
/** The periodic health check runs too (every 100 ms), so a kill may land while one is in flight. */
const managerOptions = { healthCheckIntervalMs: 100 };
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

const CLIENTS = 50;
const REQUESTS_PER_CLIENT = 6;
const MODEL = 'fake/load';

/**
 * 50 clients, each sending its requests one after the other; `onProgress` sees the number of
 * answers so far. Every request has its own timeout, so a hang is an answer of its own
 * ('timeout'), never a stuck test.
 */
async function loadWith50Clients(
  url: string,
  onProgress: (answered: number) => void,
): Promise<Array<Answer | 'timeout' | 'error'>> {
  const answers: Array<Answer | 'timeout' | 'error'> = [];
  const client = async () => {
    for (let index = 0; index < REQUESTS_PER_CLIENT; index += 1) {
      const answer = await postJson(
        `${url}/v1/chat/completions`,
        { model: MODEL, messages: [{ role: 'user', content: `request ${index}` }] },
        { timeoutMs: 20_000 },
      ).catch((error: unknown) =>
        error instanceof Error && error.name === 'TimeoutError' ? ('timeout' as const) : ('error' as const),
      );
      answers.push(answer);
      onProgress(answers.length);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return answers;
}

function statusOf(answer: Answer | 'timeout' | 'error'): string {
  return typeof answer === 'string' ? answer : String(answer.status);
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('kill -9 of an engine while 50 clients send requests', () => {
  it('with two engines serving the model, every non-streaming request succeeds', async () => {
    const gateway = await startReliabilityGateway(0, { managerOptions });
    gateways.push(gateway);
    const engines = await Promise.all([
      gateway.startEngine(MODEL, { extraArgs: ['--latency-ms', '30'] }),
      gateway.startEngine(MODEL, { extraArgs: ['--latency-ms', '30'] }),
    ]);
    let killed = false;
    const answers = await loadWith50Clients(gateway.url, (answered) => {
      if (killed || answered < 60) return;
      killed = true;
      process.kill(engines[0]!.pid as number, 'SIGKILL');
    });
    expect(killed).toBe(true);
    expect(answers).toHaveLength(CLIENTS * REQUESTS_PER_CLIENT);
    expect(countBy(answers.map(statusOf))).toEqual({ '200': CLIENTS * REQUESTS_PER_CLIENT });
    // The killed engine comes back under the same id.
    await waitFor(() => gateway.gateway.manager.getEngine(engines[0]!.engineId).status === 'RUNNING');
  });

  /** Start one engine, run the 50 clients, kill the engine once 60 answers are in. */
  async function oneEngineRun(slot: number) {
    const gateway = await startReliabilityGateway(slot, { managerOptions });
    gateways.push(gateway);
    const engine = await gateway.startEngine(MODEL, { extraArgs: ['--latency-ms', '30'] });
    let killed = false;
    const answers = await loadWith50Clients(gateway.url, (answered) => {
      if (killed || answered < 60) return;
      killed = true;
      process.kill(engine.pid as number, 'SIGKILL');
    });
    expect(killed).toBe(true);
    await waitFor(() => gateway.gateway.manager.getEngine(engine.engineId).status === 'RUNNING');
    return { gateway, answers };
  }

  it('with one engine, no request hangs or is lost, and no lease leaks', async () => {
    const { gateway, answers } = await oneEngineRun(1);
    expect(answers).toHaveLength(CLIENTS * REQUESTS_PER_CLIENT);
    expect(answers.filter((answer) => typeof answer === 'string')).toEqual([]);
    const { manager } = gateway.gateway;
    await waitFor(() => Object.values(manager.queueSnapshot().inFlight).every((load) => load === 0));
    expect(manager.queueSnapshot().depth).toBe(0);
    const after = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: MODEL,
      messages: [{ role: 'user', content: 'after' }],
    });
    expect(after.status).toBe(200);
  });

  // Requests in flight on the engine when it dies fail on its connection; the forwarder queues
  // them again for the restarted process (the engine has no pid while it restarts), within the
  // queue timeout, or they get 503 with Retry-After.
  it('with one engine, requests in flight at the kill complete after the restart or get 503 with Retry-After', async () => {
    const { answers } = await oneEngineRun(2);
    const unexpected = answers
      .filter((answer) => typeof answer === 'string' || (answer.status !== 200 && answer.status !== 503))
      .map((answer) =>
        typeof answer === 'string' ? answer : `${answer.status} ${JSON.stringify(answer.body)}`,
      );
    expect(unexpected, `${unexpected.length} unexpected answers, e.g. ${unexpected[0]}`).toEqual([]);
    for (const answer of answers) {
      if (typeof answer !== 'string' && answer.status === 503) expect(answer.retryAfter).toMatch(/^\d+$/);
    }
  });
});

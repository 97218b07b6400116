import type { SchedulingDecisionEvent } from '@sage/control-plane';
import { afterEach, describe, expect, it } from 'vitest';
import { readJson, startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';

const harnesses: TestGateway[] = [];

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function gateway(slot: number, scheduling?: { queueCapacity?: number; queueTimeoutMs?: number }) {
  const harness = await startTestGateway(slot, { managerOptions: scheduling ? { scheduling } : {} });
  harnesses.push(harness);
  return harness;
}

function chat(harness: TestGateway, headers: Record<string, string> = {}, model = 'fake/chat') {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('every inference request goes through the scheduler', () => {
  it('spreads concurrent requests over engines, and says which engine answered', async () => {
    const harness = await gateway(1);
    const engines = await Promise.all([
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4, extraArgs: ['--latency-ms', '500'] }),
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4, extraArgs: ['--latency-ms', '500'] }),
    ]);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => chat(harness, { 'X-Scheduling-Policy': 'fifo' })),
    );
    const answeredBy = responses.map((response) => response.headers.get('x-sage-engine-id'));
    expect(responses.every((response) => response.status === 200)).toBe(true);
    // Eight at once over two engines of four slots: both serve (how many each depends on when the
    // requests arrive on a loaded machine: a slot freed after 500 ms may take a late one).
    expect(new Set(answeredBy)).toEqual(new Set(engines.map((engine) => engine.engineId)));
  });

  it('rejects a request with 429 when the queue is full, and with 503 + Retry-After when it waited too long', async () => {
    const harness = await gateway(2, { queueCapacity: 1, queueTimeoutMs: 300 });
    const engine = await harness.startEngine('fake/chat', {
      maxConcurrentRequests: 1,
      extraArgs: ['--latency-ms', '1500'],
    });
    const controlPlane = harness.gateway.manager;
    const first = chat(harness);
    await waitFor(() => controlPlane.engineLoad(engine.engineId) === 1);
    const second = chat(harness);
    await waitFor(() => controlPlane.queueSnapshot().depth === 1);
    const third = await chat(harness);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('1');
    expect((await readJson(third)).error.code).toBe('rate_limit_exceeded');

    const timedOut = await second;
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('retry-after')).toBe('1');
    expect(timedOut.headers.get('x-sage-error-source')).toBe('gateway');
    expect((await readJson(timedOut)).error.code).toBe('queue_timeout');
    expect((await first).status).toBe(200);
  });

  it('orders the queue by X-Request-Priority under the priority policy', async () => {
    const harness = await gateway(3);
    const engine = await harness.startEngine('fake/chat', {
      maxConcurrentRequests: 1,
      extraArgs: ['--latency-ms', '200'],
    });
    const { manager } = harness.gateway;
    manager.setSchedulingPolicy('priority');
    const dispatched: string[] = [];
    manager.on('scheduling-decision', (event: SchedulingDecisionEvent) => {
      if (event.type === 'request-dispatched') dispatched.push(event.requestId.split('#')[0] ?? '');
    });
    const busy = chat(harness, { 'X-Request-ID': 'busy' });
    await waitFor(() => manager.engineLoad(engine.engineId) === 1);
    const low = chat(harness, { 'X-Request-ID': 'low', 'X-Request-Priority': 'low' });
    await waitFor(() => manager.queueSnapshot().depth === 1);
    const critical = chat(harness, { 'X-Request-ID': 'critical', 'X-Request-Priority': 'critical' });
    await waitFor(() => manager.queueSnapshot().depth === 2);
    await Promise.all([busy, low, critical]);
    expect(dispatched).toEqual(['busy', 'critical', 'low']);

    const invalid = await chat(harness, { 'X-Request-Priority': 'urgent' });
    expect(invalid.status).toBe(400);
    expect((await readJson(invalid)).error.param).toBe('x-request-priority');
  });

  it('answers each of 200 concurrent requests exactly once against 2 engines of capacity 4', async () => {
    const harness = await gateway(4);
    const engines = await Promise.all([
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4, extraArgs: ['--latency-ms', '5'] }),
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4, extraArgs: ['--latency-ms', '5'] }),
    ]);
    const controlPlane = harness.gateway.manager;
    let overCapacity = 0;
    harness.gateway.manager.on('scheduling-decision', (event) => {
      if (event.type === 'request-dispatched' && controlPlane.engineLoad(event.engineId) > 4)
        overCapacity += 1;
    });
    const ids = Array.from({ length: 200 }, (_, index) => `burst-${index}`);
    const responses = await Promise.all(ids.map((id) => chat(harness, { 'X-Request-ID': id })));
    const bodies = await Promise.all(responses.map((response) => readJson(response)));
    expect(responses.map((response) => response.status)).toEqual(ids.map(() => 200));
    expect(responses.map((response) => response.headers.get('x-request-id'))).toEqual(ids);
    expect(new Set(bodies.map((body) => body.id)).size).toBe(200);
    expect(overCapacity).toBe(0);
    const served = engines.map(
      (engine) =>
        responses.filter((response) => response.headers.get('x-sage-engine-id') === engine.engineId).length,
    );
    expect(served[0]! + served[1]!).toBe(200);
    expect(Math.min(...served)).toBeGreaterThan(0);
    expect(controlPlane.queueSnapshot()).toMatchObject({ depth: 0, inFlight: {} });
  });

  it('routes a repeated prompt to the engine that cached it and explains the decision on request', async () => {
    const harness = await gateway(14);
    await Promise.all([
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4 }),
      harness.startEngine('fake/chat', { maxConcurrentRequests: 4 }),
    ]);
    harness.gateway.manager.setSchedulingPolicy('prefix_affinity');
    const system = { role: 'system', content: 'You answer in one word. '.repeat(60) };
    const ask = (question: string, headers: Record<string, string> = {}) =>
      fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'fake/chat', messages: [system, { role: 'user', content: question }] }),
      });
    const first = await ask('one?');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-sage-schedule')).toBeNull();
    const cachedOn = first.headers.get('x-sage-engine-id');
    for (const question of ['two?', 'three?', 'four?']) {
      const next = await ask(question, { 'X-Sage-Explain-Schedule': '1' });
      expect(next.headers.get('x-sage-engine-id')).toBe(cachedOn);
      const decision = next.headers.get('x-sage-schedule') ?? '';
      expect(decision).toContain(`engine=${cachedOn}; policy=prefix_affinity; reason=prefix; scores=prefix:`);
      expect(decision).toMatch(/waited=0$/);
    }
  });
});

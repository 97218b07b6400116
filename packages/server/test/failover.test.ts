import type { EngineStatus } from '@sage/protocol';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../src/index.js';
import { readJson, startTestGateway, type TestGateway, waitFor } from './support/gateway-harness.js';

const harnesses: TestGateway[] = [];

afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

async function gateway(slot: number, requestFailureThreshold = 3) {
  const config = resolveGatewayConfig({}, undefined, { health: { requestFailureThreshold } });
  const harness = await startTestGateway(slot, { config });
  harnesses.push(harness);
  return harness;
}

function chat(harness: TestGateway, model: string) {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

function dispatchCount(harness: TestGateway): () => number {
  let count = 0;
  harness.gateway.manager.on('scheduling-decision', (event) => {
    if (event.type === 'request-dispatched') count += 1;
  });
  return () => count;
}

describe('failover before the first byte, never after', () => {
  it('retries on another engine when the chosen one is kill -9ed before it answered', async () => {
    const harness = await gateway(5);
    const engines = await Promise.all([
      harness.startEngine('fake/chat', { extraArgs: ['--latency-ms', '400'] }),
      harness.startEngine('fake/chat', { extraArgs: ['--latency-ms', '400'] }),
    ]);
    const { manager } = harness.gateway;
    const pending = chat(harness, 'fake/chat');
    await waitFor(() => engines.some((engine) => manager.engineLoad(engine.engineId) === 1));
    const victim = engines.find((engine) => manager.engineLoad(engine.engineId) === 1)!;
    const survivor = engines.find((engine) => engine !== victim)!;
    process.kill(victim.pid as number, 'SIGKILL');

    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-sage-engine-id')).toBe(survivor.engineId);
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `sage_gateway_failovers_total\\{route="/v1/chat/completions",engine_id="${victim.engineId}"`,
      ),
    );
    // Later requests go to the survivor while the victim restarts.
    expect((await chat(harness, 'fake/chat')).status).toBe(200);
  });

  it('does not retry a stream that already sent bytes when its engine dies; the client gets an error event', async () => {
    const harness = await gateway(6);
    await Promise.all([
      harness.startEngine('fake/stream', { extraArgs: ['--chunks', '20', '--chunk-delay-ms', '100'] }),
      harness.startEngine('fake/stream', { extraArgs: ['--chunks', '20', '--chunk-delay-ms', '100'] }),
    ]);
    const dispatched = dispatchCount(harness);
    const { data: stream, response } = await harness.client.chat.completions
      .create({ model: 'fake/stream', messages: [{ role: 'user', content: 'x' }], stream: true })
      .withResponse();
    const engine = harness.gateway.manager.getEngine(response.headers.get('x-sage-engine-id') ?? '');
    const received: string[] = [];
    const consume = (async () => {
      for await (const chunk of stream) {
        received.push(chunk.choices[0]?.delta.content ?? '');
        if (received.length === 1) process.kill(engine.pid as number, 'SIGKILL');
      }
    })();
    const error = await consume.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toMatch(/not retried/);
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received.length).toBeLessThan(20);
    expect(dispatched()).toBe(1);
    await waitFor(() => harness.gateway.manager.engineLoad(engine.engineId) === 0);
  });

  it('fails over on 503, marks the failing engine UNHEALTHY, and passes a 503 through when no engine is left', async () => {
    const harness = await gateway(7, 1);
    const failing = await harness.startEngine('fake/mixed', { extraArgs: ['--fail-status', '503'] });
    const healthy = await harness.startEngine('fake/mixed', {
      maxConcurrentRequests: 1,
      extraArgs: ['--latency-ms', '200'],
    });
    const states: EngineStatus[] = [];
    harness.gateway.manager.on('engine-state-change', (change) => {
      if (change.engineId === failing.engineId) states.push(change.to);
    });
    // Whichever engine the first request gets, the second one meets the failing engine: either
    // the first failed over from it, or the healthy engine is full.
    const first = chat(harness, 'fake/mixed');
    await waitFor(() => harness.gateway.manager.engineLoad(healthy.engineId) === 1);
    const responses = await Promise.all([first, chat(harness, 'fake/mixed')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(states).toContain('UNHEALTHY');

    await harness.startEngine('fake/down', { extraArgs: ['--fail-status', '503'] });
    const down = await chat(harness, 'fake/down');
    expect(down.status).toBe(503);
    expect(down.headers.get('x-sage-error-source')).toBe('engine');
    expect((await readJson(down)).error.message).toBe('fake failure');
  });
});

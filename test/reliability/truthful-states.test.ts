import { GatewayHealthWire } from '@sage/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

const SLOT = 14;
const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function health(url: string) {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: GatewayHealthWire.parse(await response.json()) };
}

describe('states that tell the truth', () => {
  it('/health is unavailable (503) with no engine RUNNING, ok with all, degraded with some; /live stays 200', async () => {
    const gateway = await startReliabilityGateway(SLOT);
    gateways.push(gateway);
    expect(await health(gateway.url)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', engines_total: 0 },
    });
    expect((await fetch(`${gateway.url}/live`)).status).toBe(200);

    const good = await gateway.startEngine('fake/good');
    expect(await health(gateway.url)).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        engines_running: 1,
        engines: { [good.engineId]: { status: 'RUNNING', model_id: 'fake/good' } },
      },
    });

    const manager = gateway.gateway.manager;
    const broken = await manager.requestEngineStartup('fake/broken', {
      backend: 'fake',
      useGpu: false,
      extraArgs: ['--exit-at-start', '78'],
    });
    await waitFor(() => manager.getEngine(broken.engineId).status === 'FAILED');
    expect(await health(gateway.url)).toMatchObject({
      status: 200,
      body: { status: 'degraded', engines_running: 1, engines: { [broken.engineId]: { status: 'FAILED' } } },
    });

    await manager.requestEngineShutdown(good.engineId);
    expect(await health(gateway.url)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', engines_running: 0 },
    });
  });

  it('a model whose engines are all FAILED answers 503 with Retry-After and the engine id, not 404', async () => {
    const gateway = await startReliabilityGateway(SLOT);
    gateways.push(gateway);
    const manager = gateway.gateway.manager;
    const broken = await manager.requestEngineStartup('fake/failed-model', {
      backend: 'fake',
      useGpu: false,
      extraArgs: ['--exit-at-start', '78'],
    });
    await waitFor(() => manager.getEngine(broken.engineId).status === 'FAILED');
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/failed-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(response.headers.get('x-sage-engine-id')).toBe(broken.engineId);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('engine_unavailable');
    expect(body.error.message).toContain(broken.engineId);
    expect(body.error.message).toMatch(/is FAILED/);
    // A model nobody ever served stays a 404.
    const unknown = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'fake/never-started',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(unknown.status).toBe(404);
  });
});

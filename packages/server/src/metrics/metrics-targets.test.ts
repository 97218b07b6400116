import { describe, expect, it } from 'vitest';
import { addEngineRecord, createTestManager } from '../__fixtures__/test-manager.js';
import { createGateway } from '../create-gateway.js';

const TOKEN = 'sage-local-metrics-test';
const asAdmin = { headers: { authorization: `Bearer ${TOKEN}` } };

describe('GET /v1/management/metrics/targets', () => {
  it('lists every engine with a process as a Prometheus http_sd target group', async () => {
    const manager = createTestManager();
    addEngineRecord(manager, { engineId: 'engine-a', modelId: 'sage/tiny-chat', status: 'RUNNING' });
    addEngineRecord(manager, {
      engineId: 'engine-b',
      modelId: 'BAAI/bge-m3',
      kind: 'embedding',
      status: 'STARTING',
    });
    addEngineRecord(manager, { engineId: 'engine-c', modelId: 'gone', status: 'STOPPED' });
    addEngineRecord(manager, { engineId: 'engine-d', modelId: 'broken', status: 'FAILED' });
    const response = await createGateway({ manager, adminToken: TOKEN }).request(
      '/v1/management/metrics/targets',
      asAdmin,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual([
      {
        targets: ['127.0.0.1:1'],
        labels: {
          __metrics_path__: '/metrics',
          engine_id: 'engine-a',
          model: 'sage/tiny-chat',
          backend: 'fake',
          engine_kind: 'llm',
        },
      },
      {
        targets: ['127.0.0.1:1'],
        labels: {
          __metrics_path__: '/metrics',
          engine_id: 'engine-b',
          model: 'BAAI/bge-m3',
          backend: 'fake',
          engine_kind: 'embedding',
        },
      },
    ]);
  });

  it('is an empty list without engines (Prometheus then scrapes nothing)', async () => {
    const response = await createGateway({ manager: createTestManager(), adminToken: TOKEN }).request(
      '/v1/management/metrics/targets',
      asAdmin,
    );
    expect(await response.json()).toEqual([]);
  });

  it('needs an admin key like the rest of the management API when keys are configured', async () => {
    const app = createGateway({
      manager: createTestManager(),
      config: { apiKeys: [{ key: 'admin-key-123', admin: true }] },
    });
    expect((await app.request('/v1/management/metrics/targets')).status).toBe(401);
    const allowed = await app.request('/v1/management/metrics/targets', {
      headers: { authorization: 'Bearer admin-key-123' },
    });
    expect(allowed.status).toBe(200);
  });
});

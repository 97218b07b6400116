import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { addEngineRecord, createTestManager, testManagerParts } from '../__fixtures__/test-manager.js';
import { createGateway, gatewayAdminToken } from '../create-gateway.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { dashboardRoutes } from './dashboard.js';

function builtAssets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sage-dashboard-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>t</title><script src="/ui/assets/app-ABCD1234.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-ABCD1234.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'style-WXYZ5678.css'), 'body{}');
  return dir;
}

const logger = pino({ level: 'silent' });

describe('dashboardRoutes', () => {
  it('serves index.html at /ui and /ui/ with no-cache, an ETag and a strict CSP; / redirects there', async () => {
    const app = dashboardRoutes({ logger, assetsDir: builtAssets() });
    for (const path of ['/ui', '/ui/']) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toContain('/ui/assets/app-ABCD1234.js');
      const etag = response.headers.get('etag') ?? '';
      expect(etag).toMatch(/^".+"$/);
      const again = await app.request(path, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
    const root = await app.request('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
  });

  it('serves hashed assets as immutable with their content types, and 404 for others', async () => {
    const app = dashboardRoutes({ logger, assetsDir: builtAssets() });
    const script = await app.request('/ui/assets/app-ABCD1234.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log(1)');
    const style = await app.request('/ui/assets/style-WXYZ5678.css');
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/ui/assets/nothing.js')).status).toBe(404);
    expect((await app.request('/ui/assets/..%2Findex.html')).status).toBe(404);
  });

  it('answers 503 naming the build step when the dashboard was not built', async () => {
    const app = dashboardRoutes({ logger, assetsDir: join(tmpdir(), 'sage-dashboard-missing') });
    const response = await app.request('/ui');
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/not built/);
  });
});

describe('the dashboard API', () => {
  it('answers the traffic stats behind the management auth', async () => {
    const manager = createTestManager();
    const metrics = new GatewayMetrics({ runtime: false });
    const app = createGateway({ manager, metrics });
    const auth = { authorization: `Bearer ${gatewayAdminToken(app)}` };
    expect((await app.request('/v1/management/stats')).status).toBe(401);
    metrics.observeInference({
      route: '/v1/chat/completions',
      model: 'm',
      engineId: 'e',
      status: 200,
      durationSeconds: 0.02,
    });
    metrics.observeInference({
      route: '/v1/chat/completions',
      model: 'm',
      engineId: '',
      status: 503,
      durationSeconds: 0.001,
      errorType: 'service_unavailable',
    });
    metrics.observeFirstToken({ route: '/v1/chat/completions', model: 'm', engine_id: 'e' }, 0.01);
    const response = await app.request('/v1/management/stats', { headers: auth });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      window_seconds: 60,
      total: { requests: 2, errors: 1, errors_by_type: { service_unavailable: 1 }, ttft_ms: { p50: 10 } },
      models: [{ model: 'm', requests: 2 }],
      queue: { depth: 0 },
      in_flight: 0,
    });
  });

  it('streams a snapshot of the engines, then each state change, behind the management auth', async () => {
    const manager = createTestManager();
    addEngineRecord(manager, { engineId: 'engine-a', modelId: 'm', status: 'RUNNING' });
    const app = createGateway({ manager });
    expect((await app.request('/v1/management/events')).status).toBe(401);
    const listeners = manager.listenerCount('engine-state-change');
    const abort = new AbortController();
    const response = await app.request('/v1/management/events', {
      headers: { authorization: `Bearer ${gatewayAdminToken(app)}` },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>)
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}`);
        text += value;
      }
    };
    await readUntil('\n\n');
    expect(manager.listenerCount('engine-state-change')).toBe(listeners + 1);
    expect(text).toMatch(/^event: snapshot\ndata: \{"engines":\[\{"engine_id":"engine-a"/);
    testManagerParts(manager).registry.transition('engine-a', 'unhealthy', 'health check failed');
    await readUntil('event: engine-state-change');
    await readUntil('}\n\n');
    const data = JSON.parse(text.split('event: engine-state-change\ndata: ')[1]?.trim() ?? '{}');
    expect(data).toMatchObject({
      engine_id: 'engine-a',
      from: 'RUNNING',
      to: 'UNHEALTHY',
      reason: 'health check failed',
      engine: { engine_id: 'engine-a', status: 'UNHEALTHY' },
    });
    abort.abort();
    await reader.cancel().catch(() => {});
    // The stream let go of the manager when the client left.
    await expect.poll(() => manager.listenerCount('engine-state-change')).toBe(listeners);
  });

  it('lists the built-in presets with their engines', async () => {
    const manager = createTestManager();
    const app = createGateway({ manager });
    const response = await app.request('/v1/management/presets', {
      headers: { authorization: `Bearer ${gatewayAdminToken(app)}` },
    });
    const body = (await response.json()) as { presets: Array<{ name: string; engines: unknown[] }> };
    expect(body.presets.find((preset) => preset.name === 'local')?.engines).toHaveLength(2);
  });
});

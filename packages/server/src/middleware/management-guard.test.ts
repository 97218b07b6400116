import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createErrorHandler } from '../errors/on-error.js';
import type { GatewayEnv } from '../gateway-env.js';
import {
  hostNameOf,
  isLoopbackAddress,
  type ManagementGuardOptions,
  managementGuard,
} from './management-guard.js';

function app(options: Partial<ManagementGuardOptions> = {}) {
  const hono = new Hono<GatewayEnv>();
  hono.use(
    '/v1/management/*',
    managementGuard({ keysConfigured: false, corsOrigins: [], allowedHosts: [], ...options }),
  );
  hono.all('/v1/management/engines', (c) => c.json({ ok: true }));
  hono.onError(createErrorHandler({ logger: pino({ level: 'silent' }), retryAfterSeconds: 1 }));
  return hono;
}

async function call(hono: Hono<GatewayEnv>, init: RequestInit & { url?: string } = {}) {
  const response = await hono.request(init.url ?? 'http://127.0.0.1:8889/v1/management/engines', init);
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return { status: response.status, code: body.error?.code, message: body.error?.message ?? '' };
}

const json = { 'content-type': 'application/json' };

describe('managementGuard', () => {
  it('lets a loopback JSON request through', async () => {
    expect((await call(app(), { method: 'POST', headers: json, body: '{}' })).status).toBe(200);
    expect((await call(app(), { method: 'POST' })).status).toBe(200);
    expect((await call(app(), { url: 'http://localhost:8889/v1/management/engines' })).status).toBe(200);
    expect((await call(app(), { url: 'http://[::1]:8889/v1/management/engines' })).status).toBe(200);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
  ])('refuses a body sent as %s (CSRF) with 415', async (_name, contentType) => {
    const answer = await call(app(), {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: '{}',
    });
    expect(answer).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('refuses a body without a content type, and accepts application/json with parameters', async () => {
    const bare = new Request('http://127.0.0.1:8889/v1/management/engines', {
      method: 'POST',
      body: new Uint8Array([123, 125]),
    });
    expect((await app().request(bare)).status).toBe(415);
    const withCharset = { 'content-type': 'Application/JSON; charset=utf-8' };
    expect((await call(app(), { method: 'PUT', headers: withCharset, body: '{}' })).status).toBe(200);
  });

  it('refuses a foreign Host without keys (DNS rebinding), unless it is configured', async () => {
    const rebinding = { url: 'http://attacker.example:8889/v1/management/engines' };
    const answer = await call(app(), rebinding);
    expect(answer).toMatchObject({ status: 403, code: 'access_denied' });
    expect(answer.message).toContain('security.allowed_hosts');
    expect((await call(app({ allowedHosts: ['attacker.example'] }), rebinding)).status).toBe(200);
    expect((await call(app({ keysConfigured: true }), rebinding)).status).toBe(200);
  });

  it('refuses a browser Origin outside the CORS allow-list, in every mode', async () => {
    const evil = { headers: { origin: 'https://evil.example' } };
    expect(await call(app(), evil)).toMatchObject({ status: 403, code: 'access_denied' });
    expect(await call(app({ keysConfigured: true }), evil)).toMatchObject({ status: 403 });
    expect((await call(app({ corsOrigins: ['https://evil.example'] }), evil)).status).toBe(200);
    expect((await call(app({ corsOrigins: ['*'] }), evil)).status).toBe(200);
    // The gateway's own pages (same origin) are fine.
    expect((await call(app(), { headers: { origin: 'http://127.0.0.1:8889' } })).status).toBe(200);
    expect((await call(app(), { headers: { origin: 'null' } })).status).toBe(403);
  });
});

describe('addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['localhost.attacker.example', false],
    ['127.0.0.1.nip.io', false],
  ])('%s is loopback: %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });

  it.each([
    ['127.0.0.1:8889', '127.0.0.1'],
    ['[::1]:8889', '::1'],
    ['LocalHost', 'localhost'],
    ['example.com:80', 'example.com'],
  ])('host name of %s is %s', (host, name) => {
    expect(hostNameOf(host)).toBe(name);
  });
});

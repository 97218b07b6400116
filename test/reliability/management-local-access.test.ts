import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  isOpenAiError,
  managementHeaders,
  type ReliabilityGateway,
  startReliabilityGateway,
  temporaryStateDir,
} from './support/reliability-gateway.js';

// Issue 12, item 2: without API keys, a POST with `Content-Type: text/plain`, a foreign `Origin`
// and a foreign `Host` got 201 and a RUNNING engine (CSRF, DNS rebinding), and any local
// process could drive the management API.

const gateways: ReliabilityGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.close();
});

async function open(stateDir = temporaryStateDir(), host = '127.0.0.1'): Promise<ReliabilityGateway> {
  const gateway = await startReliabilityGateway(17, {
    config: { host, ...(host === '127.0.0.1' ? {} : { insecure: true }) },
    managerOptions: { stateDir },
  });
  gateways.push(gateway);
  return gateway;
}

interface Raw {
  status: number;
  body: unknown;
}

/** A request with headers fetch() will not send (Host), over node:http. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string },
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const sent = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        timeout: 10_000,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    sent.on('error', reject);
    sent.end(options.body);
  });
}

const startBody = JSON.stringify({ model_id: 'fake/csrf', backend: 'fake' });

describe('the management API without API keys', () => {
  it("refuses the issue's cross-site request: text/plain, a foreign Origin and a foreign Host", async () => {
    const gateway = await open();
    const port = new URL(gateway.url).port;
    const attack = await raw(`${gateway.url}/v1/management/engines?wait=true`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        origin: 'http://attacker.example',
        host: `attacker.example:${port}`,
        ...managementHeaders(gateway),
      },
      body: startBody,
    });
    expect(attack.status).toBeGreaterThanOrEqual(400);
    expect(attack.status).toBeLessThan(500);
    expect(isOpenAiError(attack.body)).toBe(true);
    expect(gateway.gateway.manager.listEngines()).toEqual([]);
  });

  it('refuses each part on its own: 415 for a non-JSON body, 403 for a foreign Origin or Host', async () => {
    const gateway = await open();
    const url = `${gateway.url}/v1/management/engines`;
    const port = new URL(gateway.url).port;
    const token = managementHeaders(gateway);
    const json = { 'content-type': 'application/json', ...token };
    const cases: Array<[Record<string, string>, number]> = [
      [{ ...token, 'content-type': 'text/plain' }, 415],
      [{ ...token, 'content-type': 'application/x-www-form-urlencoded' }, 415],
      [{ ...json, origin: 'http://attacker.example' }, 403],
      [{ ...json, host: `attacker.example:${port}` }, 403],
      // A DNS-rebinding name that resolves to 127.0.0.1 is still a foreign name.
      [{ ...json, host: `127.0.0.1.nip.io:${port}` }, 403],
    ];
    for (const [headers, status] of cases) {
      const answer = await raw(url, { method: 'POST', headers, body: startBody });
      expect(answer.status, JSON.stringify(headers)).toBe(status);
      expect(isOpenAiError(answer.body)).toBe(true);
    }
    expect(gateway.gateway.manager.listEngines()).toEqual([]);
  });

  it('needs the local admin token: no token or a wrong one is 401, the token works', async () => {
    const gateway = await open();
    const url = `${gateway.url}/v1/management/engines`;
    const post = (headers: Record<string, string>) =>
      raw(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: startBody,
      });
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect((missing.body as { error: { message: string } }).error.message).toContain('admin-token');
    expect((await post({ authorization: 'Bearer sage-local-guessed' })).status).toBe(401);
    expect((await raw(`${url}`, {})).status).toBe(401);
    expect((await post(managementHeaders(gateway))).status).toBe(201);
    // Inference and probes stay open on loopback.
    expect((await raw(`${gateway.url}/v1/models`, {})).status).toBe(200);
    expect((await raw(`${gateway.url}/live`, {})).status).toBe(200);
    // /health answers with its verdict (the engine may still be STARTING: 503), never 401.
    expect([200, 503]).toContain((await raw(`${gateway.url}/health`, {})).status);
  });

  it('keeps the token in the state directory, mode 0600, across restarts; an unsafe file is replaced', async () => {
    const stateDir = temporaryStateDir();
    const first = await open(stateDir);
    const path = join(stateDir, 'admin-token');
    const token = first.gateway.adminToken;
    expect(token).toMatch(/^sage-local-/);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await first.close({ stopEngines: true });
    gateways.splice(0);

    const second = await open(stateDir);
    expect(second.gateway.adminToken).toBe(token);
    await second.close({ stopEngines: true });
    gateways.splice(0);

    chmodSync(path, 0o644);
    writeFileSync(path, `${token}\n`);
    const third = await open(stateDir);
    expect(third.gateway.adminToken).not.toBe(token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

  it.skipIf(lanAddress === undefined)(
    'refuses management from a non-loopback peer even with the token (no network interface: skipped)',
    async () => {
      const gateway = await open(temporaryStateDir(), '0.0.0.0');
      const port = new URL(gateway.url).port;
      const answer = await raw(`http://${lanAddress}:${port}/v1/management/engines`, {
        headers: { ...managementHeaders(gateway), host: `127.0.0.1:${port}` },
      });
      expect(answer.status).toBe(403);
      expect((answer.body as { error: { message: string } }).error.message).toContain('need API keys');
      // Inference over the trusted network stays as configured (insecure: true).
      expect((await raw(`http://${lanAddress}:${port}/v1/models`, {})).status).toBe(200);
    },
  );
});

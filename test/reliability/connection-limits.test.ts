import { connect, type Socket } from 'node:net';
import { defaultGatewayConfig, GATEWAY_DEFAULTS, resolveGatewayConfig } from '@sage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReliabilityGateway, startReliabilityGateway } from './support/reliability-gateway.js';

// Issue 12, item 7: no connection limits: slow bodies were held 300 s, idle connections forever.
// Headers and body timeouts are seconds, connections are capped, idle keep-alive connections
// are reaped, and all of it is configurable (`limits:` in sage.yaml, SAGE_* variables).

const LIMITS = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 200,
  maxConnections: 8,
  maxJsonDepth: GATEWAY_DEFAULTS.maxJsonDepth,
};

let gateway: ReliabilityGateway;
let port: number;
beforeAll(async () => {
  gateway = await startReliabilityGateway(21, { config: { limits: LIMITS } });
  port = gateway.gateway.port;
  await gateway.startEngine('fake/stream', { extraArgs: ['--chunks', '12', '--chunk-delay-ms', '100'] });
});
afterAll(async () => {
  await gateway?.close();
});

interface Watched {
  socket: Socket;
  /** Resolves when the gateway closed the connection: what it sent and after how long. */
  closed: Promise<{ answer: string; afterMs: number }>;
}

/** Open a connection, write `bytes` (if any) and watch it until the gateway closes it (8 s at most). */
function watch(bytes?: string): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answer = '';
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<{ answer: string; afterMs: number }>((done) => {
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('latin1');
      });
      socket.on('close', () => done({ answer, afterMs: Date.now() - started }));
      socket.on('error', () => {});
      socket.setTimeout(8_000, () => socket.destroy());
    });
    socket.once('connect', () => {
      if (bytes !== undefined) socket.write(bytes);
      resolve({ socket, closed });
    });
    socket.once('error', reject);
  });
}

const head = (extra = '') => `Host: 127.0.0.1:${port}\r\n${extra}`;

describe('client connection limits', () => {
  it('a connection that never sends a request is answered 408 and closed after the headers timeout', async () => {
    const { closed } = await watch();
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(3_000);
  });

  it('headers sent slowly: 408 after the headers timeout', async () => {
    const { closed } = await watch(`POST /v1/chat/completions HTTP/1.1\r\n${head()}`);
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeLessThan(3_000);
  });

  it('a body sent slowly (a trickle): 408 after the request timeout, not 300 s', async () => {
    const { socket, closed } = await watch(
      `POST /v1/chat/completions HTTP/1.1\r\n${head('Content-Type: application/json\r\nContent-Length: 1000\r\n')}\r\n{"messages":`,
    );
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(' ');
    }, 50);
    const { answer, afterMs } = await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(afterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    expect(afterMs).toBeLessThan(4_000);
  });

  it('an idle keep-alive connection is closed after its answer', async () => {
    const { closed } = await watch(`GET /live HTTP/1.1\r\n${head()}\r\n`);
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    // Node closes it a second after the keep-alive timeout it announces.
    expect(afterMs).toBeLessThan(4_000);
  });

  it('an answer that takes longer than the request timeout is not cut (a 1.2 s stream)', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake/stream',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    const started = Date.now();
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThan(LIMITS.requestTimeoutMs);
    expect(text).toContain('data: [DONE]');
  });

  it('connections over max_connections are closed at once; served again once some close', async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => watch()));
    const extra = await watch(`GET /live HTTP/1.1\r\n${head()}\r\n`);
    const refused = await extra.closed;
    expect(refused.answer).toBe('');
    expect(refused.afterMs).toBeLessThan(1_000);
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    const live = await fetch(`${gateway.url}/live`);
    expect(live.status).toBe(200);
  });
});

describe('limit defaults and configuration', () => {
  it('defaults are seconds, not minutes, and a cap exists', () => {
    const { limits } = defaultGatewayConfig();
    expect(limits.headersTimeoutMs).toBeLessThanOrEqual(15_000);
    expect(limits.requestTimeoutMs).toBeLessThanOrEqual(60_000);
    expect(limits.keepAliveTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(limits.maxConnections).toBeGreaterThan(0);
  });

  it('the environment sets them, and a headers timeout above the request timeout is refused', () => {
    const config = resolveGatewayConfig({
      SAGE_MAX_CONNECTIONS: '12',
      SAGE_HEADERS_TIMEOUT_MS: '2000',
      SAGE_REQUEST_TIMEOUT_MS: '4000',
      SAGE_KEEP_ALIVE_TIMEOUT_MS: '1000',
      SAGE_MAX_JSON_DEPTH: '20',
    });
    expect(config.limits).toEqual({
      maxConnections: 12,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 1000,
      maxJsonDepth: 20,
    });
    expect(() => resolveGatewayConfig({ SAGE_MAX_CONNECTIONS: 'many' })).toThrow(/SAGE_MAX_CONNECTIONS/);
    expect(() =>
      resolveGatewayConfig({ SAGE_HEADERS_TIMEOUT_MS: '9000', SAGE_REQUEST_TIMEOUT_MS: '4000' }),
    ).toThrow(/limits\.headersTimeoutMs/);
  });
});

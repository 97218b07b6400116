import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntilHealthy } from '../src/index.js';

/** A /health server whose answer to the n-th request (from 0) `answer` decides: a status or a reset. */
function healthServer(answer: (n: number) => number | 'reset'): Promise<{ server: Server; url: string }> {
  let requests = 0;
  const server = createServer((request, response) => {
    const next = answer(requests++);
    if (next === 'reset') request.socket.destroy();
    else response.writeHead(next).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/health` });
    }),
  );
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('waitUntilHealthy', () => {
  it('treats connection resets during start-up as "not yet" and returns the statuses seen', async () => {
    const { server, url } = await healthServer((n) => (n < 2 ? 'reset' : n < 4 ? 503 : 200));
    servers.push(server);
    expect(await waitUntilHealthy(url, { intervalMs: 5 })).toEqual([503, 503, 200]);
  });

  it('keeps polling through refused connections (a process not listening yet) until the deadline', async () => {
    const { server, url } = await healthServer(() => 200);
    await new Promise((resolve) => server.close(resolve));
    const startedAt = Date.now();
    await expect(waitUntilHealthy(url, { timeoutMs: 200, intervalMs: 5 })).rejects.toThrow(
      /not healthy within 200 ms \(last: fetch failed \(ECONNREFUSED\)\)/,
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(200);
  });

  it('fails at the deadline, naming the last answer', async () => {
    const { server, url } = await healthServer(() => 503);
    servers.push(server);
    await expect(waitUntilHealthy(url, { timeoutMs: 100, intervalMs: 5 })).rejects.toThrow(
      /not healthy within 100 ms \(last: HTTP 503\)/,
    );
  });

  it('accepts any status the caller calls ready', async () => {
    const { server, url } = await healthServer(() => 404);
    servers.push(server);
    expect(await waitUntilHealthy(url, { isReady: () => true })).toEqual([404]);
  });
});

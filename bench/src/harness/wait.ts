import { waitUntilHealthy } from '@sage/testing';

/** Poll until `check` holds, or throw after `timeoutMs` (no fixed sleeps in the benchmarks). */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  pollMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`condition not met within ${timeoutMs}ms`);
}

/** Wait until `url` answers an HTTP GET at all (any status); refused or reset connections are "not yet". */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  await waitUntilHealthy(url, { timeoutMs, intervalMs: 50, isReady: () => true });
}

/** A TCP port the OS reports free on 127.0.0.1 now (for a peer that must be told its port). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

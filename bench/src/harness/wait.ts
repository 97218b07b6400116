import { waitUntilHealthy } from '@sage/testing';

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

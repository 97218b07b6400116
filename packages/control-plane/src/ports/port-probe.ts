import { createServer } from 'node:net';

/**
 * Whether a TCP server can bind `host:port` right now. The server is closed as soon as it
 * listens. A bind test, not a connect probe: a port someone listens on fails here even when
 * nothing answers on it yet.
 */
export function isPortBindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export { isPidAlive } from '../lifecycle/process-tree.js';

/**
 * Child-process entry point: the floor of any Node reverse proxy, as a baseline for the gateway.
 * node:http in front, one undici Pool per upstream behind, nothing else: no validation, no
 * scheduling, no metrics. Routes by path to the origins in `SAGE_BENCH_PROXY_ROUTES`
 * (`{ "/v1/embeddings": "http://127.0.0.1:8090", … }`); prints its port on fd 3 once listening.
 */
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const routes = JSON.parse(process.env.SAGE_BENCH_PROXY_ROUTES ?? '{}') as Record<string, string>;
const pools = new Map(
  Object.entries(routes).map(([path, origin]) => [path, new Pool(origin, { connections: 256 })]),
);

const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) => {
  const pool = pools.get(request.url ?? '');
  if (!pool) return void response.writeHead(404).end();
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const headers = { 'content-type': request.headers['content-type'] ?? 'application/json' };
    pool.request({ path: request.url ?? '/', method: 'POST', headers, body: Buffer.concat(chunks) }).then(
      (upstream) => {
        const passed: Record<string, string | string[]> = {};
        for (const name of ['content-type', 'content-length'] as const) {
          const value = upstream.headers[name];
          if (value !== undefined) passed[name] = value;
        }
        response.writeHead(upstream.statusCode, passed);
        upstream.body.pipe(response);
        response.once('close', () => upstream.body.destroy());
      },
      () => response.writeHead(502).end(),
    );
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  createWriteStream('', { fd: 3 }).write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));

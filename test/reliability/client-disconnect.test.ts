import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  managementHeaders,
  type ReliabilityGateway,
  startReliabilityGateway,
  waitFor,
} from './support/reliability-gateway.js';

// Issue 12, item 6: a client that left mid-upload was recorded as a 500 with an error-level
// stack: 200 aborted uploads gave 200 bogus 5xx in a second. A client that leaves is 499 in
// metrics and logs (info, no stack), never 5xx — mid-upload, and mid-response.

interface LogLine {
  level: number;
  msg: string;
  status?: number;
  err?: unknown;
  [key: string]: unknown;
}

const lines: LogLine[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n'))
      if (text.trim() !== '') lines.push(JSON.parse(text));
    done();
  },
});

let gateway: ReliabilityGateway;
let port: number;
beforeAll(async () => {
  gateway = await startReliabilityGateway(20, { logger: pino({ level: 'info' }, sink) });
  port = gateway.gateway.port;
  await gateway.startEngine('fake/slow', { extraArgs: ['--latency-ms', '3000'] });
  await gateway.startEngine('fake/stream', { extraArgs: ['--chunks', '50', '--chunk-delay-ms', '50'] });
});
afterAll(async () => {
  await gateway?.close();
});

/** `sage_gateway_requests_total` by status, summed over the other labels. */
async function requestsByStatus(): Promise<Map<string, number>> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('sage_gateway_requests_total{')) continue;
    const status = /status="(\d+)"/.exec(line)?.[1] ?? '?';
    counts.set(status, (counts.get(status) ?? 0) + Number(line.split(' ').pop()));
  }
  return counts;
}

/** Chat requests granted an engine slot so far (`sage_gateway_queue_wait_seconds_count`). */
async function dispatched(): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('sage_gateway_queue_wait_seconds_count{route="/v1/chat/completions"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

function openSocket(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Send the head of a request and part of its body, then vanish (RST). */
async function abortUpload(path: string, headers: Record<string, string> = {}): Promise<void> {
  const socket = await openSocket();
  socket.on('error', () => {});
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${extra}Content-Length: 100000\r\n\r\n{"messages":[`,
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  socket.resetAndDestroy();
}

const fiveHundreds = (counts: Map<string, number>) =>
  [...counts].filter(([status]) => status.startsWith('5')).reduce((sum, [, count]) => sum + count, 0);

const noErrorLines = () => lines.filter((line) => line.level >= 50);

describe('a client that disconnects', () => {
  it('mid-upload, 50 times: 499 in metrics, one info line each without a stack, no 5xx and no error log', async () => {
    const before = (await requestsByStatus()).get('499') ?? 0;
    const logged = () => lines.filter((line) => line.msg === 'client-closed-request').length;
    const loggedBefore = logged();
    await Promise.all(Array.from({ length: 50 }, () => abortUpload('/v1/chat/completions')));
    await waitFor(async () => ((await requestsByStatus()).get('499') ?? 0) - before === 50, 10_000);
    await waitFor(() => logged() - loggedBefore === 50, 5_000);
    const counts = await requestsByStatus();
    expect(fiveHundreds(counts)).toBe(0);
    const closed = lines.filter((line) => line.msg === 'client-closed-request');
    for (const line of closed) {
      expect(line.level).toBe(30);
      expect(line.status).toBe(499);
      expect(line.err).toBeUndefined();
      expect(JSON.stringify(line)).not.toMatch(/stack/);
    }
    expect(noErrorLines()).toEqual([]);
  });

  it('mid-upload of a management request: info, not an error', async () => {
    const loggedBefore = lines.filter((line) => line.msg === 'client-closed-request').length;
    await abortUpload('/v1/management/engines', managementHeaders(gateway));
    await waitFor(
      () => lines.filter((line) => line.msg === 'client-closed-request').length === loggedBefore + 1,
      5_000,
    );
    expect(noErrorLines()).toEqual([]);
  });

  it('while the engine works on its answer: 499, never 5xx', async () => {
    const before = (await requestsByStatus()).get('499') ?? 0;
    const dispatchedBefore = await dispatched();
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const sent = controllers.map((controller) =>
      fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake/slow', messages: [{ role: 'user', content: 'hi' }] }),
        signal: controller.signal,
      }).catch(() => undefined),
    );
    // Leave once all five hold an engine slot (the engine takes 3 s to answer).
    await waitFor(async () => (await dispatched()) - dispatchedBefore === 5, 10_000);
    for (const controller of controllers) controller.abort();
    await Promise.all(sent);
    await waitFor(async () => ((await requestsByStatus()).get('499') ?? 0) - before === 5, 10_000);
    expect(fiveHundreds(await requestsByStatus())).toBe(0);
    expect(noErrorLines()).toEqual([]);
  });

  it('mid-stream: recorded as 499 (not the 200 the engine sent), the engine stays RUNNING', async () => {
    const before = (await requestsByStatus()).get('499') ?? 0;
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake/stream',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    await waitFor(async () => ((await requestsByStatus()).get('499') ?? 0) - before === 1, 10_000);
    expect(fiveHundreds(await requestsByStatus())).toBe(0);
    expect(noErrorLines()).toEqual([]);
    const streamEngine = gateway.gateway.manager
      .listEngines()
      .find((engine) => engine.modelId === 'fake/stream');
    expect(streamEngine?.status).toBe('RUNNING');
  });
});

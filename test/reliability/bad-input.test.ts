import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatLike,
  completionLike,
  embeddingLike,
  engineStartLike,
  headerText,
  neverAppliesPreset,
  neverStartsEngine,
  pathSegment,
  policyLike,
  presetApplyLike,
  queryValue,
  rawBody,
} from './support/bad-input-arbitraries.js';
import {
  isOpenAiError,
  managementHeaders,
  type ReliabilityGateway,
  startReliabilityGateway,
} from './support/reliability-gateway.js';

/** Runs per property; raise it locally to search harder (800 found nothing more). */
const RUNS = 100;
let gateway: ReliabilityGateway;

beforeAll(async () => {
  gateway = await startReliabilityGateway(8);
  await gateway.startEngine('fake/chat');
  await gateway.startEngine('fake/embed', { engineKind: 'embedding' });
});
afterAll(async () => {
  await gateway?.close();
});

interface Sent {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Write `bytes` on a fresh TCP connection; collect the answer until the gateway closes it (or 5 s pass). */
function sendRaw(
  port: number,
  bytes: string,
): Promise<{ answer: string; ended: 'closed' | 'error' | 'timeout' }> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => resolve({ answer, ended: 'closed' }));
    socket.on('error', () => resolve({ answer, ended: 'error' }));
    socket.setTimeout(5_000, () => {
      resolve({ answer, ended: 'timeout' });
      socket.destroy();
    });
  });
}

/** Send one request; any 5xx, an error body not in OpenAI's shape, or no answer at all fails. */
async function expectHandled(request: Sent): Promise<void> {
  const response = await fetch(`${gateway.url}${request.path}`, {
    method: request.method,
    // With the local admin token: management routes are fuzzed past authentication.
    headers: { 'content-type': 'application/json', ...managementHeaders(gateway), ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const described = `${request.method} ${request.path} ${JSON.stringify(request.headers ?? {})} ${request.body ?? ''} → ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, described).toBeLessThan(500);
  if (response.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    expect(isOpenAiError(body), `not an OpenAI error: ${described}`).toBe(true);
  }
}

const schedulingHeaders = fc.record(
  {
    'x-request-priority': headerText,
    'x-slo-deadline-ms': fc.oneof(headerText, fc.constantFrom('0', '-5', 'NaN', 'Infinity', '1e400', '10')),
    'x-scheduling-policy': headerText,
    'x-request-id': headerText,
    'content-type': fc.constantFrom(
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
    ),
  },
  { requiredKeys: [] },
);

describe('bad input against every route (fast-check)', () => {
  it.each([
    ['/v1/chat/completions', chatLike('fake/chat')],
    ['/v1/completions', completionLike('fake/chat')],
    ['/v1/embeddings', embeddingLike('fake/embed')],
  ] as const)('POST %s: bodies and scheduling headers', async (path, objectLike) => {
    await fc.assert(
      fc.asyncProperty(rawBody(objectLike), schedulingHeaders, (body, headers) =>
        expectHandled({ method: 'POST', path, body, headers }),
      ),
      { numRuns: RUNS },
    );
  });

  it('management routes with bodies: engines, policy, presets', async () => {
    const routes = fc.oneof(
      rawBody(engineStartLike, neverStartsEngine).map((body) => ({
        method: 'POST',
        path: '/v1/management/engines',
        body,
      })),
      rawBody(policyLike).map((body) => ({ method: 'PUT', path: '/v1/management/policy', body })),
      rawBody(presetApplyLike, neverAppliesPreset).map((body) => ({
        method: 'POST',
        path: '/v1/management/presets/apply',
        body,
      })),
    );
    await fc.assert(fc.asyncProperty(routes, expectHandled), { numRuns: RUNS * 3 });
  });

  it('management routes with unknown engine ids and odd query strings', async () => {
    const routes = fc.tuple(pathSegment, queryValue, queryValue).chain(([id, first, second]) =>
      fc.constantFrom<Sent>(
        { method: 'GET', path: `/v1/management/engines/${id}` },
        { method: 'DELETE', path: `/v1/management/engines/${id}?drain=${encodeURIComponent(first)}` },
        { method: 'POST', path: `/v1/management/engines/${id}/restart` },
        {
          method: 'GET',
          path: `/v1/management/engines/${id}/logs?tail=${encodeURIComponent(first)}&follow=${encodeURIComponent(second)}`,
        },
        {
          method: 'POST',
          path: `/v1/management/engines?wait=${encodeURIComponent(first)}&wait_timeout_ms=${encodeURIComponent(second)}`,
          body: '{}',
        },
      ),
    );
    await fc.assert(fc.asyncProperty(routes, expectHandled), { numRuns: RUNS * 3 });
  });

  it('unknown paths and methods under every prefix', async () => {
    const requests = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      prefix: fc.constantFrom('/', '/v1/', '/v1/management/', '/v1/management/engines/x/', '/health/'),
      segment: pathSegment,
      body: fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(requests, ({ method, prefix, segment, body }) =>
        expectHandled({
          method,
          path: `${prefix}${segment}`,
          ...(body === undefined || method === 'GET' ? {} : { body }),
        }),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('a body over the limit is a 413 in OpenAI shape', async () => {
    const big = JSON.stringify({
      model: 'fake/chat',
      messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }],
    });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(413);
    expect(isOpenAiError(await response.json())).toBe(true);
  });

  it('malformed HTTP on a raw socket is answered 400 and closed, and the gateway still serves', async () => {
    const { port } = new URL(gateway.url);
    for (const garbage of [
      'GARBAGE\r\n\r\n',
      'POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
      '\0\0\0\0',
    ]) {
      const { answer, ended } = await sendRaw(Number(port), garbage);
      expect(ended, JSON.stringify(garbage)).toBe('closed');
      expect(answer, JSON.stringify(garbage)).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('the gateway still answers afterwards', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake/chat', messages: [{ role: 'user', content: 'still fine?' }] }),
    });
    expect(response.status).toBe(200);
    expect(
      gateway.gateway.manager
        .listEngines()
        .map((engine) => engine.modelId)
        .sort(),
    ).toEqual(['fake/chat', 'fake/embed']);
  });
});

import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';
import { describe, expect, it, vi } from 'vitest';
import { passthroughStream, type StreamOutcome } from './stream-passthrough.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function* chunks(parts: string[], failAfter?: number) {
  for (const [index, part] of parts.entries()) {
    if (failAfter !== undefined && index === failAfter)
      throw Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' });
    yield encoder.encode(part);
  }
}

function setup(body: AsyncIterable<Uint8Array>) {
  const outcomes: StreamOutcome[] = [];
  const onFirstChunk = vi.fn();
  const abortUpstream = vi.fn();
  const stream = passthroughStream({
    body,
    onFirstChunk,
    onEnd: (outcome) => outcomes.push(outcome),
    abortUpstream,
    isClientGone: () => false,
    describeFailure: () => 'engine failed; not retried',
  });
  return { stream, outcomes, onFirstChunk, abortUpstream };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of stream) parts.push(decoder.decode(part));
  return parts;
}

describe('passthroughStream', () => {
  it('passes chunks through as they are, and ends once', async () => {
    const { stream, outcomes, onFirstChunk } = setup(
      chunks(['data: a\n\n', 'data: b\n\n', 'data: [DONE]\n\n']),
    );
    expect(await readAll(stream)).toEqual(['data: a\n\n', 'data: b\n\n', 'data: [DONE]\n\n']);
    expect(outcomes).toEqual(['completed']);
    expect(onFirstChunk).toHaveBeenCalledOnce();
  });

  it('ends with one OpenAI error event when the engine fails after the first byte', async () => {
    const { stream, outcomes } = setup(chunks(['data: a\n\n', 'data: b\n\n'], 1));
    const parts = await readAll(stream);
    expect(parts[0]).toBe('data: a\n\n');
    expect(JSON.parse(parts[1]!.slice('data: '.length))).toEqual({
      error: {
        message: 'engine failed; not retried',
        type: 'server_error',
        param: null,
        code: 'engine_stream_interrupted',
      },
    });
    expect(outcomes).toEqual(['engine-error']);
  });

  it('aborts the upstream request when the client cancels', async () => {
    const { stream, outcomes, abortUpstream } = setup(chunks(['data: a\n\n', 'data: b\n\n']));
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel('gone');
    expect(abortUpstream).toHaveBeenCalledWith('gone');
    expect(outcomes).toEqual(['client-disconnected']);
  });
});

function nodeSetup(body: Readable) {
  const outcomes: StreamOutcome[] = [];
  const onFirstChunk = vi.fn();
  const abortUpstream = vi.fn((reason: unknown) =>
    body.destroy(reason instanceof Error ? reason : undefined),
  );
  const stream = passthroughStream({
    body,
    onFirstChunk,
    onEnd: (outcome) => outcomes.push(outcome),
    abortUpstream,
    isClientGone: () => false,
    describeFailure: () => 'engine failed; not retried',
  });
  return { stream, outcomes, onFirstChunk, abortUpstream };
}

/**
 * One request to a server run the way `startGateway` runs the app (`@hono/node-server`), whose
 * answer is `stream`; resolves with the client side.
 */
async function serveOnce(stream: ReadableStream<Uint8Array>): Promise<{
  response: IncomingMessage;
  close: () => Promise<void>;
}> {
  const server = createAdaptorServer({
    fetch: () =>
      new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream', 'x-test': '1' } }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, resolve).on('error', reject).end();
  });
  return {
    response,
    close: () => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function readNode(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const part of response) text += decoder.decode(part as Uint8Array, { stream: true });
  return text;
}

describe('passthroughStream behind @hono/node-server, from a Node body (the production path)', () => {
  it('writes the status, the headers and the chunks as they are, and ends once', async () => {
    const { stream, outcomes, onFirstChunk } = nodeSetup(
      Readable.from(chunks(['data: a\n\n', 'data: b\n\n', 'data: [DONE]\n\n'])),
    );
    const served = await serveOnce(stream);
    expect(served.response.statusCode).toBe(200);
    expect(served.response.headers['x-test']).toBe('1');
    expect(await readNode(served.response)).toBe('data: a\n\ndata: b\n\ndata: [DONE]\n\n');
    expect(outcomes).toEqual(['completed']);
    expect(onFirstChunk).toHaveBeenCalledOnce();
    await served.close();
  });

  it('ends with one OpenAI error event when the engine fails after the first byte', async () => {
    const { stream, outcomes } = nodeSetup(Readable.from(chunks(['data: a\n\n', 'data: b\n\n'], 1)));
    const served = await serveOnce(stream);
    const text = await readNode(served.response);
    expect(text.startsWith('data: a\n\ndata: {"error":')).toBe(true);
    expect(text).toContain('engine_stream_interrupted');
    expect(outcomes).toEqual(['engine-error']);
    await served.close();
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    const body = new PassThrough();
    const { stream, outcomes, abortUpstream } = nodeSetup(body);
    const served = await serveOnce(stream);
    body.write(encoder.encode('data: a\n\n'));
    await new Promise((resolve) => served.response.once('data', resolve));
    served.response.destroy();
    await vi.waitFor(() => expect(outcomes).toEqual(['client-disconnected']));
    expect(abortUpstream).toHaveBeenCalledOnce();
    expect(body.destroyed).toBe(true);
    await served.close();
  });

  it('stops reading the engine body while the client does not read (backpressure)', async () => {
    const body = new PassThrough();
    const { stream } = nodeSetup(body);
    const served = await serveOnce(stream);
    served.response.pause();
    const big = new Uint8Array(1024 * 1024);
    // Fill the engine side until it stays full: nothing more is taken from it (socket buffers,
    // the Node response) while the client does not read.
    const drainedWithin = (ms: number) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          body.off('drain', onDrain);
          resolve(false);
        }, ms);
        const onDrain = () => {
          clearTimeout(timer);
          resolve(true);
        };
        body.once('drain', onDrain);
      });
    let stalled = false;
    for (let written = 0; !stalled && written < 64; written += 1) {
      if (body.write(big)) continue;
      stalled = !(await drainedWithin(300));
    }
    expect(stalled).toBe(true);
    const drained = new Promise((resolve) => body.once('drain', resolve));
    served.response.resume();
    await drained;
    body.end();
    await served.close();
  });

  it('reads from the engine only when asked, and treats a destroyed body as a failure', async () => {
    const body = new PassThrough();
    const { stream, outcomes } = nodeSetup(body);
    body.write(encoder.encode('data: a\n\n'));
    const reader = stream.getReader();
    expect(decoder.decode((await reader.read()).value)).toBe('data: a\n\n');
    body.destroy();
    const rest: string[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read())
      rest.push(decoder.decode(next.value));
    expect(rest.join('')).toContain('engine_stream_interrupted');
    expect(outcomes).toEqual(['engine-error']);
  });
});

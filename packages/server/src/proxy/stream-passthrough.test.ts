import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { passthroughStream, type StreamOutcome, StreamRelay } from './stream-passthrough.js';

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

function relayOf(body: Readable) {
  const outcomes: StreamOutcome[] = [];
  const onFirstChunk = vi.fn();
  const abortUpstream = vi.fn();
  const relay = new StreamRelay({
    body,
    onFirstChunk,
    onEnd: (outcome) => outcomes.push(outcome),
    abortUpstream,
    isClientGone: () => false,
    describeFailure: () => 'engine failed; not retried',
  });
  return { relay, outcomes, onFirstChunk, abortUpstream };
}

/** One HTTP/1 request to a server whose handler gets the Node response; resolves with the client side. */
async function serveOnce(handle: (response: ServerResponse) => void): Promise<{
  response: IncomingMessage;
  close: () => Promise<void>;
}> {
  const server = createServer((_request, response) => handle(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, resolve).on('error', reject).end();
  });
  return {
    response,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function readNode(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const part of response) text += decoder.decode(part as Uint8Array, { stream: true });
  return text;
}

describe('StreamRelay.pipeTo (a Node HTTP/1 response)', () => {
  it('writes the status, the headers and the chunks as they are, and ends once', async () => {
    const { relay, outcomes, onFirstChunk } = relayOf(
      Readable.from(chunks(['data: a\n\n', 'data: b\n\n', 'data: [DONE]\n\n'])),
    );
    const served = await serveOnce((response) => {
      expect(relay.pipeTo(response, 200, { 'content-type': 'text/event-stream', 'x-test': '1' })).toBe(true);
    });
    expect(served.response.statusCode).toBe(200);
    expect(served.response.headers['x-test']).toBe('1');
    expect(await readNode(served.response)).toBe('data: a\n\ndata: b\n\ndata: [DONE]\n\n');
    expect(outcomes).toEqual(['completed']);
    expect(onFirstChunk).toHaveBeenCalledOnce();
    await served.close();
  });

  it('ends with one OpenAI error event when the engine fails after the first byte', async () => {
    const { relay, outcomes } = relayOf(Readable.from(chunks(['data: a\n\n', 'data: b\n\n'], 1)));
    const served = await serveOnce((response) => relay.pipeTo(response, 200, {}));
    const text = await readNode(served.response);
    expect(text.startsWith('data: a\n\ndata: {"error":')).toBe(true);
    expect(text).toContain('engine_stream_interrupted');
    expect(outcomes).toEqual(['engine-error']);
    await served.close();
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    const body = new PassThrough();
    const { relay, outcomes, abortUpstream } = relayOf(body);
    const served = await serveOnce((response) => relay.pipeTo(response, 200, {}));
    body.write(encoder.encode('data: a\n\n'));
    await new Promise((resolve) => served.response.once('data', resolve));
    served.response.destroy();
    await vi.waitFor(() => expect(outcomes).toEqual(['client-disconnected']));
    expect(abortUpstream).toHaveBeenCalledOnce();
    await served.close();
  });

  it('pauses the engine body while the client does not read (backpressure)', async () => {
    const body = new PassThrough();
    const { relay } = relayOf(body);
    const served = await serveOnce((response) => relay.pipeTo(response, 200, {}));
    served.response.pause();
    const big = new Uint8Array(1024 * 1024);
    await vi.waitFor(() => {
      body.write(big);
      expect(body.isPaused()).toBe(true);
    });
    served.response.resume();
    await vi.waitFor(() => expect(body.isPaused()).toBe(false));
    body.end();
    await served.close();
  });

  it('leaves the Web stream in charge once it was read, and ends an abandoned relay once', async () => {
    const { relay, outcomes } = relayOf(Readable.from(chunks(['data: a\n\n'])));
    expect(await readAll(relay.stream)).toEqual(['data: a\n\n']);
    expect(relay.pipeTo({} as ServerResponse, 200, {})).toBe(false);
    relay.abandon();
    expect(outcomes).toEqual(['completed']);

    const unsent = relayOf(Readable.from(chunks(['data: a\n\n'])));
    unsent.relay.abandon();
    unsent.relay.abandon();
    expect(unsent.outcomes).toEqual(['client-disconnected']);
    expect(unsent.abortUpstream).toHaveBeenCalledOnce();
  });
});

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

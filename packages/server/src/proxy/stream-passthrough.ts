import { Readable } from 'node:stream';
import { sseErrorEvent } from './upstream-response.js';

/** How a passed-through stream ended. */
export type StreamOutcome = 'completed' | 'client-disconnected' | 'engine-error';

/** Options of {@link passthroughStream}. */
export interface StreamPassthroughOptions {
  /** The engine's response body: undici's Node `Readable`, or any async iterable (tests). */
  body: AsyncIterable<Uint8Array>;
  /** Called once, when the first chunk from the engine is handed on. */
  onFirstChunk: () => void;
  /** Called for every chunk handed on, the first included (metrics: token events, timing). */
  onChunk?: (chunk: Uint8Array) => void;
  /** Called exactly once, however the stream ends. */
  onEnd: (outcome: StreamOutcome, error?: unknown) => void;
  /** Abort the upstream request (the client went away). */
  abortUpstream: (reason: unknown) => void;
  /** True once the client disconnected. */
  isClientGone: () => boolean;
  /** Text of the SSE error event sent when the engine fails mid-stream. */
  describeFailure: (error: unknown) => string;
}

/** Reads one chunk at a time from a body. */
type ChunkReader = () => Promise<IteratorResult<Uint8Array>>;

const DONE: IteratorResult<Uint8Array> = { done: true, value: undefined };

/**
 * The next chunk of a Node `Readable`, taken with `read()` as soon as it is buffered: no async
 * iterator (a generator and several promises per chunk) between undici and the client. Rejects
 * with the stream's error, or when it closes before its end (it was destroyed).
 */
function readNodeChunk(body: Readable): Promise<IteratorResult<Uint8Array>> {
  const chunk = body.read() as Uint8Array | null;
  if (chunk !== null) return Promise.resolve({ done: false, value: chunk });
  if (body.readableEnded) return Promise.resolve(DONE);
  if (body.errored) return Promise.reject(body.errored);
  if (body.destroyed) return Promise.reject(new Error('the engine response was closed before its end'));
  return new Promise((resolve, reject) => {
    const settle = () => {
      body.off('readable', onReadable);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onReadable = () => {
      const next = body.read() as Uint8Array | null;
      if (next === null) return; // the end: 'end' follows
      settle();
      resolve({ done: false, value: next });
    };
    const onEnd = () => {
      settle();
      resolve(DONE);
    };
    const onError = (error: unknown) => {
      settle();
      reject(error);
    };
    const onClose = () => {
      settle();
      if (body.readableEnded) resolve(DONE);
      else reject(body.errored ?? new Error('the engine response was closed before its end'));
    };
    body.on('readable', onReadable);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

const ignore = () => {};

function chunkReader(body: AsyncIterable<Uint8Array>): { read: ChunkReader; close: () => void } {
  if (body instanceof Readable) {
    // An error between two reads is kept in `body.errored` for the next one; without a
    // listener it would be thrown as an uncaught exception.
    body.on('error', ignore);
    return { read: () => readNodeChunk(body), close: () => {} };
  }
  let iterator: AsyncIterator<Uint8Array> | undefined;
  return {
    read: () => {
      iterator ??= body[Symbol.asyncIterator]();
      return iterator.next();
    },
    close: () => void iterator?.return?.().catch(() => {}),
  };
}

/**
 * Pass an engine's event stream to the client as the chunks arrive: nothing is held back or
 * re-cut (chunks that arrived together while the client was busy go on together). The stream is pull-based (high-water mark 0): a chunk is read from
 * the engine only when the client side asks for one, so a slow client slows the reads from the
 * engine (backpressure) down to TCP. When the engine fails after the first byte there is no
 * retry: the client gets one OpenAI error event and the end of the stream. When the client goes
 * away (the stream is cancelled) the upstream request is aborted.
 *
 * This is the one path for every runtime: `@hono/node-server` writes the returned stream into
 * Node's response with its own backpressure and cancels it when the connection closes, and
 * `app.request()` in tests reads the same stream.
 */
export function passthroughStream(options: StreamPassthroughOptions): ReadableStream<Uint8Array> {
  const reader = chunkReader(options.body);
  let first = true;
  let ended = false;
  const end = (outcome: StreamOutcome, error?: unknown) => {
    if (ended) return;
    ended = true;
    options.onEnd(outcome, error);
  };
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          if (options.isClientGone() || ended) return end('client-disconnected', error);
          end('engine-error', error);
          try {
            controller.enqueue(sseErrorEvent(options.describeFailure(error)));
            controller.close();
          } catch {
            // the consumer is already gone
          }
          return;
        }
        if (ended) return;
        if (next.done) {
          end('completed');
          controller.close();
          return;
        }
        if (first) {
          first = false;
          options.onFirstChunk();
        }
        options.onChunk?.(next.value);
        controller.enqueue(next.value);
      },
      cancel: (reason) => {
        end('client-disconnected', reason);
        options.abortUpstream(reason);
        reader.close();
      },
    },
    { highWaterMark: 0 },
  );
}

import { sseErrorEvent } from './upstream-response.js';

/** How a passed-through stream ended. */
export type StreamOutcome = 'completed' | 'client-disconnected' | 'engine-error';

/** Options of {@link passthroughStream}. */
export interface StreamPassthroughOptions {
  /** The engine's response body (undici's Node `Readable`; any async iterable in tests). */
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

/**
 * Pass an engine's event stream to the client chunk by chunk, as the chunks arrive: no
 * buffering, no re-chunking. The stream is pull-based (high-water mark 0): a chunk is read from
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
  let iterator: AsyncIterator<Uint8Array> | undefined;
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
          iterator ??= options.body[Symbol.asyncIterator]();
          next = await iterator.next();
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
        void iterator?.return?.().catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}

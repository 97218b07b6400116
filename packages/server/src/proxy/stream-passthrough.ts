import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { sseErrorEvent } from './upstream-response.js';

/** How a passed-through stream ended. */
export type StreamOutcome = 'completed' | 'client-disconnected' | 'engine-error';

/** Options of {@link passthroughStream} and {@link StreamRelay}. */
export interface StreamPassthroughOptions {
  /** The engine's response body (a Node `Readable` can also be piped straight to a Node response). */
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
 * buffering, no re-chunking. A slow client slows the reads from the engine (backpressure). When
 * the engine fails after the first byte there is no retry: the client gets one OpenAI error event
 * and the end of the stream. When the client goes away the upstream request is aborted.
 *
 * The relay is consumed one of two ways, whichever comes first: as a Web `ReadableStream`
 * ({@link StreamRelay.stream}, pull-based; works wherever a `Response` does), or piped straight
 * into a Node HTTP/1 `ServerResponse` ({@link StreamRelay.pipeTo}), which writes each chunk the
 * moment undici hands it over instead of bridging it through a Web stream and the adapter's
 * reader loop (several turns of the event loop before the first byte).
 */
export class StreamRelay {
  /** The Web stream of the answer. Nothing is read from the engine until it is read. */
  readonly stream: ReadableStream<Uint8Array>;
  readonly #options: StreamPassthroughOptions;
  #mode: 'unclaimed' | 'web' | 'node' = 'unclaimed';
  #ended = false;

  constructor(options: StreamPassthroughOptions) {
    this.#options = options;
    this.stream = this.#webStream();
  }

  #end(outcome: StreamOutcome, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#options.onEnd(outcome, error);
  }

  #webStream(): ReadableStream<Uint8Array> {
    const options = this.#options;
    let iterator: AsyncIterator<Uint8Array> | undefined;
    let first = true;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          // Sent (or abandoned) through the Node path: nothing for this stream.
          if (this.#mode === 'node') return controller.close();
          this.#mode = 'web';
          iterator ??= options.body[Symbol.asyncIterator]();
          let next: IteratorResult<Uint8Array>;
          try {
            next = await iterator.next();
          } catch (error) {
            if (options.isClientGone() || this.#ended) return this.#end('client-disconnected', error);
            this.#end('engine-error', error);
            try {
              controller.enqueue(sseErrorEvent(options.describeFailure(error)));
              controller.close();
            } catch {
              // the consumer is already gone
            }
            return;
          }
          if (this.#ended) return;
          if (next.done) {
            this.#end('completed');
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
          if (this.#mode === 'node') return;
          this.#end('client-disconnected', reason);
          options.abortUpstream(reason);
          void iterator?.return?.().catch(() => {});
        },
      },
      // 0: no read from the engine before the consumer asks (so the Node path can still claim it).
      { highWaterMark: 0 },
    );
  }

  /**
   * End the relay without sending it (the response that carried it was replaced): the engine
   * request is aborted and the stream counts as a client disconnect.
   */
  abandon(): void {
    if (this.#mode !== 'unclaimed') return;
    this.#mode = 'node';
    this.#end('client-disconnected');
    this.#options.abortUpstream(undefined);
  }

  /**
   * Write the answer to `outgoing` directly: status and headers, then each engine chunk as it
   * arrives, pausing the engine body while `outgoing` is full. Returns false, leaving the Web
   * stream to be used, when the Web stream was already read or the body is not a Node `Readable`.
   */
  pipeTo(outgoing: ServerResponse, status: number, headers: OutgoingHttpHeaders): boolean {
    const body = this.#options.body;
    if (this.#mode !== 'unclaimed' || !(body instanceof Readable)) return false;
    this.#mode = 'node';
    const options = this.#options;
    if (outgoing.destroyed) {
      this.#end('client-disconnected');
      options.abortUpstream(undefined);
      return true;
    }
    let first = true;
    let waiting = false;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onBodyEnd);
      body.off('error', onBodyError);
      outgoing.off('close', onClientGone);
      outgoing.off('error', onClientGone);
      outgoing.off('drain', onDrain);
    };
    const onDrain = () => {
      waiting = false;
      body.resume();
    };
    const onData = (chunk: Uint8Array) => {
      if (first) {
        first = false;
        options.onFirstChunk();
      }
      options.onChunk?.(chunk);
      if (!outgoing.write(chunk) && !waiting) {
        waiting = true;
        body.pause();
        outgoing.once('drain', onDrain);
      }
    };
    const onBodyEnd = () => {
      cleanup();
      this.#end('completed');
      outgoing.end();
    };
    const onBodyError = (error: unknown) => {
      cleanup();
      if (options.isClientGone() || this.#ended || outgoing.destroyed) {
        this.#end('client-disconnected', error);
        return;
      }
      this.#end('engine-error', error);
      outgoing.end(sseErrorEvent(options.describeFailure(error)));
    };
    const onClientGone = () => {
      cleanup();
      if (this.#ended) return;
      this.#end('client-disconnected');
      options.abortUpstream(undefined);
      // Keep a late error of the aborted body from being unhandled.
      body.on('error', () => {});
    };
    outgoing.writeHead(status, headers);
    // The headers go out now, unless the engine's first chunk is already here: then they go out
    // with it, in one write (a separate small write before it costs the client a round trip).
    if (body.readableLength === 0) outgoing.flushHeaders();
    outgoing.on('close', onClientGone);
    outgoing.on('error', onClientGone);
    body.on('error', onBodyError);
    body.on('end', onBodyEnd);
    body.on('data', onData);
    return true;
  }
}

/**
 * The Web-stream form of {@link StreamRelay}: pull-based, so a slow client slows the reads from
 * the engine.
 */
export function passthroughStream(options: StreamPassthroughOptions): ReadableStream<Uint8Array> {
  return new StreamRelay(options).stream;
}

interface HeldStream {
  relay: StreamRelay;
  /** The response the forwarder built around `relay.stream`. */
  response: Response;
  status: number;
  headers: Record<string, string>;
}

/** Streamed answers waiting for their Node response, by that response. */
const held = new WeakMap<ServerResponse, HeldStream>();

/**
 * Offer `relay` (the body of `response`) to be piped straight into `outgoing` by
 * {@link sendHeldStream}, once the app has finished with the response (middleware may still add
 * headers). Unclaimed, the response's Web stream is used as usual.
 */
export function holdStreamFor(
  outgoing: ServerResponse,
  relay: StreamRelay,
  response: Response,
  status: number,
  headers: Record<string, string>,
): void {
  held.set(outgoing, { relay, response, status, headers });
}

/**
 * If `response`, the app's final answer to the request behind `outgoing`, carries a stream held
 * by {@link holdStreamFor}, write it to `outgoing` directly and return true (the adapter must
 * then leave `outgoing` alone). Otherwise return false; a held stream that is not the response's
 * body (the response was replaced) is abandoned, so its engine slot is released.
 */
export function sendHeldStream(response: Response, outgoing: ServerResponse): boolean {
  const entry = held.get(outgoing);
  if (!entry) return false;
  held.delete(outgoing);
  // The forwarder's own response: its headers are already a plain record.
  if (response === entry.response) return entry.relay.pipeTo(outgoing, entry.status, entry.headers);
  // A copy (a middleware set headers before the handler ran): same stream, final headers.
  if (response.body === entry.relay.stream) {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of response.headers) if (name !== 'set-cookie') headers[name] = value;
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) headers['set-cookie'] = cookies;
    return entry.relay.pipeTo(outgoing, response.status, headers);
  }
  entry.relay.abandon();
  return false;
}

import { EventEmitter, setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import type { Context } from 'hono';
import { nodeIncoming } from './node-request.js';

/**
 * Whether the client of a request is still there. `aborted` and `reason` are read on the
 * request path; `signal` is for APIs that need an `AbortSignal` (the scheduler, while the request
 * is queued); `upstreamSignal` is what undici's `signal` option gets (an `AbortSignal` or an
 * `EventEmitter` that emits `abort`).
 */
export interface ClientLink {
  readonly aborted: boolean;
  readonly reason: unknown;
  readonly signal: AbortSignal;
  readonly upstreamSignal: AbortSignal | EventEmitter;
}

/** The reason @hono/node-server gives when a client leaves before its answer was written. */
const CLIENT_CLOSED = 'Client connection prematurely closed.';

/**
 * One HTTP/1 connection: its requests are answered in order on one socket, and a client that
 * goes away closes that socket, so every request on it shares one watch (one `close` listener,
 * and an `AbortController` only when something asks for a real signal). Building an
 * `AbortController` per request, as reading `Request.signal` does, cost more than the rest of the
 * gateway's disconnect handling together.
 */
class ConnectionWatch extends EventEmitter implements ClientLink {
  aborted = false;
  reason: unknown = undefined;
  #controller: AbortController | undefined;

  constructor(socket: Socket) {
    super();
    // Every request in flight on the connection (pipelining) listens: no leak warning.
    this.setMaxListeners(0);
    socket.once('close', () => this.#abort(CLIENT_CLOSED));
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      setMaxListeners(0, this.#controller.signal);
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  get upstreamSignal(): EventEmitter {
    return this;
  }

  #abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    this.emit('abort');
  }
}

const watches = new WeakMap<Socket, ConnectionWatch>();

/** The request's own signal, where there is no Node HTTP/1 connection to watch (`app.request()`, HTTP/2). */
class SignalLink implements ClientLink {
  constructor(readonly signal: AbortSignal) {}
  get aborted(): boolean {
    return this.signal.aborted;
  }
  get reason(): unknown {
    return this.signal.reason;
  }
  get upstreamSignal(): AbortSignal {
    return this.signal;
  }
}

/**
 * The client of `c`'s request. Served by `@hono/node-server` over HTTP/1, the connection's
 * socket is watched (see {@link ConnectionWatch}); otherwise the request's `signal` is used.
 */
export function clientLink(c: Context): ClientLink {
  const incoming = nodeIncoming(c);
  // A socket already destroyed may have emitted `close` before anyone watched it: the
  // request's own signal knows (the adapter recorded the disconnect).
  if (incoming && incoming.httpVersionMajor < 2 && !incoming.socket.destroyed) {
    const socket = incoming.socket;
    let watch = watches.get(socket);
    if (!watch) {
      watch = new ConnectionWatch(socket);
      watches.set(socket, watch);
    }
    return watch;
  }
  return new SignalLink(c.req.raw.signal);
}

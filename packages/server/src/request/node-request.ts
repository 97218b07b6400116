import { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The Node request behind `c` when `@hono/node-server` serves it (`c.env.incoming`); undefined
 * for `app.request()` and other runtimes.
 */
export function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/**
 * A request header by its lower-case name, read from Node's parsed headers when there are some:
 * `c.req.header()` would make `@hono/node-server` build a Web `Headers` for the request. Repeated
 * headers are joined with `, `, as `Headers.get` does.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c);
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

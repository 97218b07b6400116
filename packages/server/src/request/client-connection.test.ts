import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'hono';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientLink, clientLink } from './client-connection.js';

const contextOf = (incoming: IncomingMessage) =>
  ({ env: { incoming, outgoing: undefined } }) as unknown as Context;

let server: Server | undefined;
afterEach(async () => {
  const closing = server;
  server = undefined;
  if (!closing) return;
  closing.closeAllConnections();
  await new Promise((resolve) => closing.close(resolve));
});

/** A server that records each request's link and answers after `holdMs`. */
async function linkServer(holdMs: number): Promise<{ url: string; links: ClientLink[] }> {
  const links: ClientLink[] = [];
  server = createServer((incoming, outgoing) => {
    links.push(clientLink(contextOf(incoming)));
    incoming.resume();
    setTimeout(() => outgoing.end('ok'), holdMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, links };
}

describe('clientLink over HTTP/1', () => {
  it('shares one watch between the requests of a keep-alive connection, not aborted by answers', async () => {
    const { url, links } = await linkServer(0);
    const dispatcher = new Agent({ connections: 1 });
    for (let i = 0; i < 3; i += 1) await (await request(url, { dispatcher })).body.text();
    expect(links).toHaveLength(3);
    expect(new Set(links).size).toBe(1);
    expect(links[0]?.aborted).toBe(false);
    expect(links[0]?.signal.aborted).toBe(false);
    await dispatcher.close();
  });

  it('aborts when the client closes the connection: flag, emitter and its signal', async () => {
    const { url, links } = await linkServer(10_000);
    const abort = new AbortController();
    const pending = request(url, { signal: abort.signal }).catch((error: unknown) => error);
    while (links.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const link = links[0] as ClientLink;
    const early = link.signal;
    const emitted = once(link.upstreamSignal as NodeJS.EventEmitter, 'abort');
    abort.abort();
    await pending;
    await emitted;
    expect(link.aborted).toBe(true);
    expect(link.reason).toBe('Client connection prematurely closed.');
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(link.reason);
  });
});

describe('clientLink without a Node connection', () => {
  it("uses the request's own signal", () => {
    const controller = new AbortController();
    const link = clientLink({
      env: undefined,
      req: { raw: { signal: controller.signal } },
    } as unknown as Context);
    expect(link.aborted).toBe(false);
    expect(link.signal).toBe(controller.signal);
    expect(link.upstreamSignal).toBe(controller.signal);
    controller.abort('gone');
    expect(link.aborted).toBe(true);
    expect(link.reason).toBe('gone');
  });
});

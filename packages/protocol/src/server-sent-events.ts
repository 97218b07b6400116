import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One Server-Sent Event: its `event:` name (undefined: the default `message`), `data` and `id`. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/** The `data` that ends an OpenAI event stream. */
export const SSE_DONE = '[DONE]';

/**
 * Parse a `text/event-stream` body into its events, with the WHATWG rules as eventsource-parser
 * implements them (CR/LF/CRLF line ends also split across chunks, multi-line data, comments,
 * BOM). The one SSE parser of the client, the CLI and the gateway's API translations
 * (docs/decisions/2026-12-03-sse-parser.md). An event still unterminated at the end of the body
 * is delivered too (a server that closes without the final blank line).
 */
export async function* serverSentEvents(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const ready: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      ready.push({ event: message.event, data: message.data, id: message.id }),
  });
  const decoder = new TextDecoder();
  for await (const chunk of chunks) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (ready.length > 0) yield ready.shift() as ServerSentEvent;
  }
  parser.feed(`${decoder.decode()}\n\n`);
  while (ready.length > 0) yield ready.shift() as ServerSentEvent;
}

/** The `data` of each event of an OpenAI stream, ending at `data: [DONE]`. */
export async function* serverSentEventData(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<string, void, undefined> {
  for await (const event of serverSentEvents(chunks)) {
    if (event.data === SSE_DONE) return;
    yield event.data;
  }
}

/** One event in wire form: `event: <name>` (when given), then `data: <json>`, then a blank line. */
export function formatServerSentEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const lines = payload.split('\n').map((line) => `data: ${line}`);
  return `${event === undefined ? '' : `event: ${event}\n`}${lines.join('\n')}\n\n`;
}

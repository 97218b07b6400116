import { serverSentEvents } from '@sage/protocol';

/**
 * The `data:` payloads of a Server-Sent Events byte stream, through `@sage/protocol`'s parser
 * (eventsource-parser; the one the client uses too). Pure over its input, so tests feed it
 * arrays of chunks.
 */
export async function* sseData(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  for await (const event of serverSentEvents(chunks)) yield event.data;
}

/** The log line of one `data: {"line":"…"}` payload (a plain payload is the line itself). */
export function logLineOf(data: string): string {
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null && 'line' in parsed) {
      return String((parsed as { line: unknown }).line);
    }
  } catch {
    // not JSON: the payload is the line
  }
  return data;
}

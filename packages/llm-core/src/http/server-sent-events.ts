/**
 * Parse a `text/event-stream` body into the `data` of each event (multi-line data joined with
 * `\n`), ending at `data: [DONE]`. Comments and other fields (`event:`, `id:`, `retry:`) are
 * skipped; CR, LF and CRLF line ends are all accepted, also when split across chunks.
 */
export const DONE_SENTINEL = '[DONE]';

export async function* parseServerSentEvents(
  chunks: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  let dataLines: string[] = [];

  function* takeLines(final: boolean): Generator<string> {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (!match) break;
      // A lone CR at the end may be the first half of a CRLF split across chunks.
      if (!final && match[0] === '\r' && match.index === buffer.length - 1) break;
      yield buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
    }
    if (final && buffer !== '') {
      yield buffer;
      buffer = '';
    }
  }

  /** Returns the event's data when a blank line completes one. */
  function accept(line: string): string | null {
    if (line === '') {
      if (dataLines.length === 0) return null;
      const data = dataLines.join('\n');
      dataLines = [];
      return data;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return null;
    const value = colon === -1 ? '' : line.slice(colon + 1);
    dataLines.push(value.startsWith(' ') ? value.slice(1) : value);
    return null;
  }

  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const line of takeLines(false)) {
      const data = accept(line);
      if (data === DONE_SENTINEL) return;
      if (data !== null) yield data;
    }
  }
  buffer += decoder.decode();
  // A server that closes without the final blank line still delivers its last event.
  for (const line of [...takeLines(true), '']) {
    const data = accept(line);
    if (data === DONE_SENTINEL) return;
    if (data !== null) yield data;
  }
}

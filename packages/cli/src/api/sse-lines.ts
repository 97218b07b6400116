/**
 * Split a Server-Sent Events byte stream into the `data:` payloads of its events. Pure over
 * its input, so tests feed it arrays of chunks.
 */
export async function* sseData(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    buffer = buffer.replace(/\r\n/g, '\n');
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const event = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = dataOf(event);
      if (data !== null) yield data;
      boundary = buffer.indexOf('\n\n');
    }
  }
  const last = dataOf(buffer);
  if (last !== null) yield last;
}

function dataOf(event: string): string | null {
  const lines = event
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''));
  return lines.length === 0 ? null : lines.join('\n');
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

import { describe, expect, it } from 'vitest';
import { logLineOf, sseData } from './sse-lines.js';

async function collect(chunks: string[]): Promise<string[]> {
  async function* source() {
    yield* chunks.map((chunk) => new TextEncoder().encode(chunk));
  }
  const out: string[] = [];
  for await (const data of sseData(source())) out.push(data);
  return out;
}

describe('sseData', () => {
  it('yields each event’s data, across chunk boundaries and CRLF line ends', async () => {
    expect(
      await collect(['data: {"line":"a"}\n\nda', 'ta: {"line":"b"}\r\n\r\n: comment\n\n', 'data: last']),
    ).toEqual(['{"line":"a"}', '{"line":"b"}', 'last']);
  });

  it('joins multi-line data', async () => {
    expect(await collect(['data: one\ndata: two\n\n'])).toEqual(['one\ntwo']);
  });
});

describe('logLineOf', () => {
  it('reads {"line": …} payloads and passes plain ones through', () => {
    expect(logLineOf('{"line":"INFO ready"}')).toBe('INFO ready');
    expect(logLineOf('plain text')).toBe('plain text');
  });
});

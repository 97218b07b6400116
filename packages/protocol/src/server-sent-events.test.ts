import { describe, expect, it } from 'vitest';
import { serverSentEventData as parseServerSentEvents, serverSentEvents } from './server-sent-events.js';

async function collect(chunks: Array<string | Uint8Array>): Promise<string[]> {
  async function* source() {
    yield* chunks;
  }
  const events: string[] = [];
  for await (const data of parseServerSentEvents(source())) events.push(data);
  return events;
}

describe('serverSentEventData (the OpenAI stream: data until [DONE])', () => {
  it('yields each data payload and stops at [DONE]', async () => {
    expect(
      await collect(['data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\ndata: {"late":true}\n\n']),
    ).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('reassembles events split across chunks, CRLF split included', async () => {
    expect(await collect(['da', 'ta: {"a"', ':1}\r', '\n\r\n', 'data: x\r\rdata: [DO', 'NE]\n\n'])).toEqual([
      '{"a":1}',
      'x',
    ]);
  });

  it('joins multi-line data and skips comments and other fields', async () => {
    expect(await collect([': keep-alive\n\nevent: message\nid: 3\ndata: line1\ndata:line2\n\n'])).toEqual([
      'line1\nline2',
    ]);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: héllo\n\n');
    expect(await collect([bytes.slice(0, 8), bytes.slice(8)])).toEqual(['héllo']);
  });

  it('delivers a last event that lacks the final blank line', async () => {
    expect(await collect(['data: last'])).toEqual(['last']);
  });
});

describe('serverSentEvents', () => {
  it('keeps event names and ids (the Responses and Messages APIs name their events)', async () => {
    async function* source() {
      yield 'event: response.created\ndata: {"a":1}\n\nid: 7\ndata: plain\n\n';
    }
    const events = [];
    for await (const event of serverSentEvents(source())) events.push(event);
    expect(events).toEqual([
      { event: 'response.created', data: '{"a":1}', id: undefined },
      { event: undefined, data: 'plain', id: '7' },
    ]);
  });
});

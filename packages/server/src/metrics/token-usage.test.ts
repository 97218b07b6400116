import { describe, expect, it } from 'vitest';
import { StreamMeter, usageFromBody } from './token-usage.js';

const encode = (text: string) => new TextEncoder().encode(text);
const chunk = (content: string | null, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;

describe('usageFromBody', () => {
  it('reads prompt and completion tokens of a JSON answer', () => {
    const body = encode(
      JSON.stringify({
        id: 'x',
        choices: [{ message: { content: 'usage' } }],
        usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
      }),
    );
    expect(usageFromBody(body)).toEqual({ promptTokens: 12, completionTokens: 7 });
  });

  it('says nothing when the answer has no usage (embeddings have prompt tokens only)', () => {
    expect(usageFromBody(encode('{"choices":[]}'))).toEqual({
      promptTokens: undefined,
      completionTokens: undefined,
    });
    expect(usageFromBody(encode('{"data":[],"usage":{"prompt_tokens":3,"total_tokens":3}}'))).toEqual({
      promptTokens: 3,
      completionTokens: undefined,
    });
  });
});

describe('StreamMeter', () => {
  it('counts token events, however the chunks are cut, and ignores the finish chunk', () => {
    const meter = new StreamMeter();
    meter.chunk(encode(chunk('a') + chunk('b')), 100);
    meter.chunk(encode(chunk('c')), 200);
    meter.chunk(encode(`${chunk(null, 'stop')}data: [DONE]\n\n`), 300);
    expect(meter.usage()).toEqual({ promptTokens: undefined, completionTokens: 3 });
    // 3 tokens, first chunk at 100 ms, last at 300 ms: two gaps of 100 ms.
    expect(meter.interTokenSeconds(3)).toBeCloseTo(0.1);
  });

  it('prefers the usage chunk the engine sent (stream_options.include_usage)', () => {
    const meter = new StreamMeter();
    meter.chunk(encode(chunk('a') + chunk('b')), 0);
    meter.chunk(
      encode(
        'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}\n\ndata: [DONE]\n\n',
      ),
      10,
    );
    expect(meter.usage()).toEqual({ promptTokens: 9, completionTokens: 2 });
  });

  it('has no inter-token latency below two tokens', () => {
    const meter = new StreamMeter();
    expect(meter.interTokenSeconds(5)).toBeUndefined();
    meter.chunk(encode(chunk('a')), 0);
    expect(meter.interTokenSeconds(1)).toBeUndefined();
  });
});

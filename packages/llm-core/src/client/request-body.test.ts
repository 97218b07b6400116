import { describe, expect, it } from 'vitest';
import { chatBody, completionBody, embeddingBody, samplingFields } from './request-body.js';

describe('request bodies', () => {
  it('passes sampling values through unchanged, zeros included', () => {
    const body = chatBody(
      'hi',
      { temperature: 0, topP: 1, seed: 0, maxTokens: 8, stop: ['\n'] },
      undefined,
      false,
    );
    expect(body).toEqual({
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      top_p: 1,
      seed: 0,
      max_tokens: 8,
      stop: ['\n'],
      stream: false,
    });
  });

  it('omits model when neither the call nor the client names one', () => {
    expect(completionBody('x', {}, undefined, false)).not.toHaveProperty('model');
    expect(embeddingBody(['a'], {}, undefined)).toEqual({ input: ['a'] });
  });

  it('lets the per-call model override the default', () => {
    expect(chatBody('x', { model: 'per-call' }, 'default', false).model).toBe('per-call');
    expect(chatBody('x', {}, 'default', false).model).toBe('default');
    expect(embeddingBody('a', {}, 'embed-default').model).toBe('embed-default');
  });

  it('keeps request settings out of the body and merges extraBody as given', () => {
    const controller = new AbortController();
    const body = chatBody(
      [{ role: 'user', content: 'x' }],
      {
        priority: 'high',
        sloDeadlineMs: 500,
        signal: controller.signal,
        timeoutMs: 10,
        requestId: 'r1',
        extraBody: { response_format: { type: 'json_schema', json_schema: { someKey: 1 } } },
      },
      undefined,
      false,
    );
    expect(body).toEqual({
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { someKey: 1 } },
      stream: false,
    });
  });

  it('asks for stream usage only when includeUsage is set', () => {
    expect(chatBody('x', {}, undefined, true)).toMatchObject({ stream: true });
    expect(chatBody('x', {}, undefined, true)).not.toHaveProperty('stream_options');
    expect(completionBody('x', { includeUsage: true }, undefined, true)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('converts only top-level keys to snake_case', () => {
    expect(
      samplingFields({ presencePenalty: 0, frequencyPenalty: 0.5, logit_bias: { '50256': -100 } }),
    ).toEqual({
      presence_penalty: 0,
      frequency_penalty: 0.5,
      logit_bias: { '50256': -100 },
    });
  });
});

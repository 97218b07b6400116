import { describe, expect, it } from 'vitest';
import { SageApiError } from '../errors.js';
import { apiErrorFrom, parseRetryAfter } from './api-error.js';

describe('apiErrorFrom', () => {
  it('reads the OpenAI error shape, the request id and the error source', () => {
    const error = apiErrorFrom({
      status: 404,
      headers: { 'x-request-id': 'req-1', 'x-sage-error-source': 'gateway' },
      body: JSON.stringify({
        error: {
          message: "no model 'x'",
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_found',
        },
      }),
      requestId: 'sent-id',
    });
    expect(SageApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      status: 404,
      code: 'model_not_found',
      type: 'invalid_request_error',
      param: 'model',
      requestId: 'req-1',
      source: 'gateway',
      retryAfterMs: null,
    });
    expect(error.message).toBe("no model 'x' (HTTP 404, model_not_found, request req-1)");
  });

  it('tolerates plain-text bodies and keeps the sent request id', () => {
    const error = apiErrorFrom({ status: 502, headers: {}, body: 'Bad Gateway', requestId: 'sent-id' });
    expect(error).toMatchObject({ status: 502, code: null, requestId: 'sent-id' });
    expect(error.message).toContain('Bad Gateway');
  });

  it('reads Retry-After as seconds or as a date', () => {
    const error = apiErrorFrom({ status: 429, headers: { 'retry-after': '2' }, body: '{}', requestId: 'r' });
    expect(error.retryAfterMs).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
  });
});

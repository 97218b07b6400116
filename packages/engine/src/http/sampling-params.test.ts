import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { samplingParams } from './sampling-params.js';

const tiny = { contextSize: 512, defaultMaxTokens: 16 };
const large = { contextSize: 4096, defaultMaxTokens: undefined };

describe('samplingParams', () => {
  it.each([
    ['the tiny-model default', {}, 10, tiny, 16],
    ['the rest of the context without a default', {}, 96, large, 4000],
    ['max_tokens when given', { max_tokens: 100 }, 10, tiny, 100],
    ['max_completion_tokens before max_tokens', { max_tokens: 5, max_completion_tokens: 7 }, 10, tiny, 7],
    ['the remaining context when the default would not fit', {}, 500, tiny, 12],
  ])('takes %s', (_name, request, promptTokens, limits, maxTokens) => {
    expect(samplingParams(request, promptTokens, limits).maxTokens).toBe(maxTokens);
  });

  it('uses OpenAI defaults: temperature 1, no stop', () => {
    expect(samplingParams({}, 1, tiny)).toEqual({
      maxTokens: 16,
      temperature: 1,
      topP: undefined,
      seed: undefined,
      stop: [],
    });
    expect(samplingParams({ stop: 'END', temperature: 0, top_p: 0.5, seed: 3 }, 1, tiny)).toMatchObject({
      stop: ['END'],
      temperature: 0,
      topP: 0.5,
      seed: 3,
    });
  });

  it('rejects a prompt plus max_tokens beyond the context, like vLLM', () => {
    const error = (() => {
      try {
        samplingParams({ max_tokens: 600 }, 10, tiny);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 400,
      options: { param: 'max_tokens', code: 'context_length_exceeded' },
    });
    expect(() => samplingParams({}, 512, tiny)).toThrow(/maximum context length is 512/);
  });
});

import type { ChatCompletion, ChatCompletionChunk } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../__fixtures__/capture-terminal.js';
import { type InferenceClient, toCliError } from '../../api/inference-client.js';
import { type CliExitError, GatewayUnreachableError } from '../../errors.js';
import { EXIT_CODES } from '../../exit-codes.js';
import { createOutput } from '../../output/print.js';
import { chat } from './chat.js';
import { embed } from './embed.js';

function fakeInferenceClient() {
  const calls: unknown[][] = [];
  const client: InferenceClient = {
    async chat(text, options) {
      calls.push(['chat', text, options]);
      return {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 0,
        model: 'sage/tiny-chat',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
      } as unknown as ChatCompletion;
    },
    async *chatStream(text, options) {
      calls.push(['chatStream', text, options]);
      for (const content of ['Hi', ' there']) {
        yield { choices: [{ index: 0, delta: { content } }] } as unknown as ChatCompletionChunk;
      }
    },
    async embed(texts, options) {
      calls.push(['embed', texts, options]);
      return {
        embeddings: [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]],
        usage: { promptTokens: 3, totalTokens: 3 },
        model: 'sage/tiny-embed',
      };
    },
    async close() {},
  };
  return { client, calls };
}

describe('sage llm chat', () => {
  it('prints the answer, passing --model through', async () => {
    const { client, calls } = fakeInferenceClient();
    const capture = captureTerminal();
    await chat(client, createOutput(capture.terminal, {}), 'Hello', { model: 'chat', stream: false });
    expect(calls).toEqual([['chat', 'Hello', { model: 'chat' }]]);
    expect(capture.stdout()).toBe('Hi there\n');
  });

  it('streams tokens as they come, or one JSON chunk per line', async () => {
    const { client } = fakeInferenceClient();
    const human = captureTerminal();
    await chat(client, createOutput(human.terminal, {}), 'Hello', { stream: true });
    expect(human.stdout()).toBe('Hi there\n');
    const json = captureTerminal();
    await chat(client, createOutput(json.terminal, { json: true }), 'Hello', { stream: true });
    expect(
      json
        .stdout()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).choices[0].delta.content),
    ).toEqual(['Hi', ' there']);
  });
});

describe('sage llm embed', () => {
  it('prints model, dimensions and the first values; --json is snake_case', async () => {
    const { client } = fakeInferenceClient();
    const human = captureTerminal();
    await embed(client, createOutput(human.terminal, {}), 'text', {});
    expect(human.stdout()).toContain('dimensions: 9');
    expect(human.stdout()).toContain('[0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000, …]');
    const json = captureTerminal();
    await embed(client, createOutput(json.terminal, { json: true }), 'text', { model: 'embed' });
    expect(JSON.parse(json.stdout())).toMatchObject({
      model: 'sage/tiny-embed',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });
});

describe('toCliError', () => {
  it('maps the client’s errors to exit codes', () => {
    const connection = Object.assign(new Error('refused'), { name: 'SageConnectionError' });
    expect(GatewayUnreachableError.isInstance(toCliError(connection, 'http://x/v1'))).toBe(true);
    const api = Object.assign(new Error("no llm engine serves model 'nope' (HTTP 404, model_not_found)"), {
      name: 'SageApiError',
    });
    const mapped = toCliError(api, 'http://x/v1') as CliExitError;
    expect(mapped.exitCode).toBe(EXIT_CODES.failed);
    expect(mapped.message).toBe("no llm engine serves model 'nope' (HTTP 404, model_not_found)");
    const other = new TypeError('boom');
    expect(toCliError(other, 'http://x/v1')).toBe(other);
  });
});

import { Readable } from 'node:stream';
import type { ChatCompletion, ChatCompletionChunk } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { captureTerminal } from '../../__fixtures__/capture-terminal.js';
import { type InferenceClient, toCliError } from '../../api/inference-client.js';
import { type CliExitError, GatewayUnreachableError } from '../../errors.js';
import { EXIT_CODES } from '../../exit-codes.js';
import { createOutput } from '../../output/print.js';
import { hasControlCharacters } from '../../output/sanitize.js';
import { chat, chatRepl } from './chat.js';
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

describe('sage llm chat: control characters', () => {
  it('never prints escape sequences or control characters from the model, plain or streamed; --json keeps them', async () => {
    const hostile = 'ok\u001b[2J\u001b]0;title\u0007\r\u0008done';
    const client: InferenceClient = {
      ...fakeInferenceClient().client,
      async chat() {
        return {
          choices: [{ index: 0, message: { role: 'assistant', content: hostile } }],
        } as unknown as ChatCompletion;
      },
      async *chatStream() {
        for (const content of ['ok\u001b', '[2J', '\u0007done']) {
          yield { choices: [{ index: 0, delta: { content } }] } as unknown as ChatCompletionChunk;
        }
      },
    };
    const plain = captureTerminal();
    await chat(client, createOutput(plain.terminal, {}), 'x', { stream: false });
    expect(plain.stdout()).toBe('okdone\n');
    const streamed = captureTerminal();
    await chat(client, createOutput(streamed.terminal, {}), 'x', { stream: true });
    expect(hasControlCharacters(streamed.stdout())).toBe(false);
    const json = captureTerminal();
    await chat(client, createOutput(json.terminal, { json: true }), 'x', { stream: false });
    expect(JSON.parse(json.stdout()).choices[0].message.content).toBe(hostile);
  });
});

describe('sage llm chat: conversation', () => {
  it('sends the whole conversation each turn, and knows /history, /reset and /exit', async () => {
    const sent: unknown[] = [];
    let turn = 0;
    const client: InferenceClient = {
      ...fakeInferenceClient().client,
      async *chatStream(messages) {
        sent.push(structuredClone(messages));
        turn += 1;
        yield {
          choices: [{ index: 0, delta: { content: `answer ${turn}\u001b[31m` } }],
        } as unknown as ChatCompletionChunk;
      },
    };
    const capture = captureTerminal();
    const input = Readable.from([
      'first\n',
      'second\n',
      '/history\n',
      '/reset\n',
      'third\n',
      '/exit\n',
      'never sent\n',
    ]);
    const conversation = await chatRepl(client, createOutput(capture.terminal, {}), {
      input,
      interactive: false,
      stream: true,
      system: 'be brief',
    });
    expect(sent).toEqual([
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first' },
      ],
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'answer 1\u001b[31m' },
        { role: 'user', content: 'second' },
      ],
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'third' },
      ],
    ]);
    expect(conversation).toHaveLength(3);
    const printed = capture.stdout();
    expect(printed).toContain('answer 1\nanswer 2\n');
    expect(printed).toContain('user: first\nassistant: answer 1\nuser: second\nassistant: answer 2');
    expect(printed).toContain('(conversation forgotten)');
    expect(printed).not.toContain('\u001b');
  });
});

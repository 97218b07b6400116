import { createOpenAI } from '@ai-sdk/openai';
import Anthropic from '@anthropic-ai/sdk';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { embed, embedMany, generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../src/index.js';
import { startTestGateway, type TestGateway } from './support/gateway-harness.js';

/**
 * Clients nobody here wrote, unmodified, against the gateway and fake engines: the Vercel AI SDK
 * (`@ai-sdk/openai`, whose default model speaks the Responses API), LangChain.js and the
 * Anthropic SDK (`/v1/messages`). Each asserts what the client hands its caller: text, usage and
 * stream events.
 */
let harness: TestGateway;
/** What the fake engine answers: `--chunks` (5) pieces. */
const TEXT = 'tok0 tok1 tok2 tok3 tok4 ';
const PIECES = ['tok0 ', 'tok1 ', 'tok2 ', 'tok3 ', 'tok4 '];

beforeAll(async () => {
  harness = await startTestGateway(23);
  await Promise.all([
    harness.startEngine('fake/chat', { engineLabel: 'chat' }),
    harness.startEngine('fake/embed', { engineKind: 'embedding', engineLabel: 'embed' }),
  ]);
});

afterAll(async () => {
  await harness?.close();
});

describe('the Vercel AI SDK (ai + @ai-sdk/openai)', () => {
  const provider = () => createOpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused' });

  it('generateText over the Responses API (the provider default) and over chat completions', async () => {
    const responses = await generateText({
      model: provider()('fake/chat'),
      prompt: 'hello there',
      maxRetries: 0,
    });
    expect(responses.text).toBe(TEXT);
    expect(responses.finishReason).toBe('stop');
    expect(responses.usage).toMatchObject({ outputTokens: 5, inputTokens: expect.any(Number) });
    expect(responses.response.modelId).toBe('fake/chat');

    const chat = await generateText({ model: provider().chat('chat'), prompt: 'hello there', maxRetries: 0 });
    expect(chat.text).toBe(TEXT);
    expect(chat.finishReason).toBe('stop');
    expect(chat.usage).toEqual({
      inputTokens: 2,
      outputTokens: 5,
      totalTokens: 7,
      reasoningTokens: undefined,
      cachedInputTokens: undefined,
    });
    expect(chat.response.headers?.['x-sage-engine-id']).toBeTruthy();
  });

  it('streamText yields the text piece by piece with usage at the end, on both APIs', async () => {
    for (const model of [provider()('fake/chat'), provider().chat('fake/chat')]) {
      const errors: unknown[] = [];
      const result = streamText({
        model,
        prompt: 'stream please',
        maxRetries: 0,
        onError: ({ error }) => void errors.push(error),
      });
      const deltas: string[] = [];
      const types = new Set<string>();
      for await (const part of result.fullStream) {
        types.add(part.type);
        if (part.type === 'text-delta') deltas.push(part.text);
      }
      expect(errors).toEqual([]);
      expect(deltas).toEqual(PIECES);
      expect([...types]).toEqual(
        expect.arrayContaining(['start', 'text-start', 'text-delta', 'text-end', 'finish']),
      );
      expect(await result.text).toBe(TEXT);
      expect(await result.finishReason).toBe('stop');
      expect((await result.usage).outputTokens).toBe(5);
    }
  });

  it('embed and embedMany return the engine vectors with token usage', async () => {
    const model = provider().textEmbeddingModel('fake/embed');
    const one = await embed({ model, value: 'one', maxRetries: 0 });
    expect(one.embedding).toHaveLength(8);
    expect(Math.hypot(...one.embedding)).toBeCloseTo(1, 5);
    expect(one.usage.tokens).toBe(1);
    const many = await embedMany({ model, values: ['one', 'two', 'three'], maxRetries: 0 });
    expect(many.embeddings).toHaveLength(3);
    expect(many.embeddings[0]).toEqual(one.embedding);
    expect(many.usage.tokens).toBe(3);
  });
});

describe('LangChain.js (@langchain/openai)', () => {
  const configuration = () => ({ baseURL: `${harness.url}/v1` });

  it('ChatOpenAI.invoke answers with the text and usage metadata', async () => {
    const chat = new ChatOpenAI({
      model: 'fake/chat',
      apiKey: 'unused',
      maxRetries: 0,
      configuration: configuration(),
    });
    const message = await chat.invoke([
      ['system', 'be brief'],
      ['human', 'hello there'],
    ]);
    expect(message.content).toBe(TEXT);
    expect(message.usage_metadata).toMatchObject({ input_tokens: 4, output_tokens: 5, total_tokens: 9 });
    expect(message.response_metadata).toMatchObject({ finish_reason: 'stop', model_name: 'fake/chat' });
  });

  it('ChatOpenAI.stream yields the chunks, the last one with usage; useResponsesApi too', async () => {
    for (const useResponsesApi of [false, true]) {
      const chat = new ChatOpenAI({
        model: 'fake/chat',
        apiKey: 'unused',
        maxRetries: 0,
        useResponsesApi,
        configuration: configuration(),
      });
      const pieces: string[] = [];
      let outputTokens: number | undefined;
      for await (const chunk of await chat.stream('stream please')) {
        // Over the Responses API the content is an array of blocks; `text` joins either form.
        if (chunk.text !== '') pieces.push(chunk.text);
        outputTokens = chunk.usage_metadata?.output_tokens ?? outputTokens;
      }
      expect(pieces, `useResponsesApi: ${useResponsesApi}`).toEqual(PIECES);
      expect(outputTokens, `useResponsesApi: ${useResponsesApi}`).toBe(5);
    }
  });

  it('OpenAIEmbeddings embeds a query and documents', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'fake/embed',
      apiKey: 'unused',
      maxRetries: 0,
      configuration: configuration(),
    });
    const query = await embeddings.embedQuery('one');
    expect(query).toHaveLength(8);
    expect(Math.hypot(...query)).toBeCloseTo(1, 5);
    const documents = await embeddings.embedDocuments(['one', 'two']);
    expect(documents).toHaveLength(2);
    expect(documents[0]).toEqual(query);
    expect(documents[1]).not.toEqual(query);
  });
});

describe('the Anthropic SDK (@anthropic-ai/sdk) against /v1/messages', () => {
  const anthropic = () => new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });

  it('messages.create answers a Message with text and usage', async () => {
    const message = await anthropic().messages.create({
      model: 'fake/chat',
      max_tokens: 16,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'fake/chat',
      stop_reason: 'end_turn',
      usage: { output_tokens: 5, input_tokens: expect.any(Number) },
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: TEXT })]);
    expect(message.id).toMatch(/^msg_/);
  });

  it('messages.stream emits the event sequence and text deltas, and the final message', async () => {
    const stream = anthropic().messages.stream({
      model: 'chat',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toEqual(
      expect.arrayContaining([
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
      ]),
    );
    expect(texts).toEqual(PIECES);
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: TEXT })]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(5);
  });

  it('maps an unknown model to the SDK NotFoundError', async () => {
    const error = await anthropic()
      .messages.create({ model: 'no/such', max_tokens: 4, messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', code: 'model_not_found' },
    });
  });
});

describe('API keys as each SDK sends them', () => {
  it('the Anthropic SDK authenticates with x-api-key; a wrong key is its AuthenticationError, an OpenAI one for openai', async () => {
    const secured = await startTestGateway(25, {
      config: resolveGatewayConfig({}, undefined, { apiKeys: [{ key: 'sk-user-key-00001', admin: false }] }),
    });
    try {
      await secured.startEngine('fake/chat');
      const anthropic = (apiKey: string) => new Anthropic({ baseURL: secured.url, apiKey, maxRetries: 0 });
      const request = {
        model: 'fake/chat',
        max_tokens: 8,
        messages: [{ role: 'user' as const, content: 'hi' }],
      };
      const message = await anthropic('sk-user-key-00001').messages.create(request);
      expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: TEXT })]);

      const refused = await anthropic('sk-wrong-key-0000')
        .messages.create(request)
        .catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
      expect((refused as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({
        type: 'error',
        error: { type: 'authentication_error', code: 'invalid_api_key' },
      });

      const openai = new OpenAI({ baseURL: `${secured.url}/v1`, apiKey: 'sk-wrong-key-0000', maxRetries: 0 });
      const openAiRefused = await openai.models.list().catch((caught: unknown) => caught);
      expect(openAiRefused).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((openAiRefused as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    } finally {
      await secured.close();
    }
  });
});

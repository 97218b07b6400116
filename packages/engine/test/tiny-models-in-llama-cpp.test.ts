import {
  getLlama,
  type Llama,
  LlamaChat,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../src/models/ensure-tiny-model.js';
import { findTinyModel } from '../src/models/tiny-models.js';
import { temporarySageHome } from './engine-process.js';

let llama: Llama;
let home: { path: string; remove: () => Promise<void> };

beforeAll(async () => {
  home = await temporarySageHome();
  llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
});

afterAll(async () => {
  await llama?.dispose();
  await home?.remove();
});

const load = async (name: string) =>
  llama.loadModel({ modelPath: await ensureTinyModel(findTinyModel(name)!, home.path) });

describe('the tiny GGUF models in node-llama-cpp', () => {
  it('tokenise any UTF-8 text to byte tokens that detokenise back to the same text', async () => {
    const model = await load('sage/tiny-chat');
    for (const text of ['Hello, world!', '  two  spaces ', 'ünïcödé 你好 🚀', 'line\nbreak\ttab']) {
      const tokens = model.tokenize(text);
      expect(model.detokenize(tokens)).toBe(text);
    }
    expect(model.tokenize('ab')).toHaveLength(2);
    expect(model.tokens.bos).toBe(1);
    expect(model.tokens.eos).toBe(2);
    await model.dispose();
  });

  it('uses the chat template from tokenizer.chat_template and generates chat and completions', async () => {
    const model = await load('sage/tiny-chat');
    const wrapper = resolveChatWrapper(model);
    expect(wrapper?.wrapperName).toBe('JinjaTemplate');
    const context = await model.createContext({ contextSize: 256, sequences: 2, threads: 1 });
    const chat = new LlamaChat({ contextSequence: context.getSequence() });
    const reply = await chat.generateResponse(
      [
        { type: 'user', text: 'hi' },
        { type: 'model', response: [] },
      ],
      {
        maxTokens: 8,
      },
    );
    expect(reply.metadata.stopReason).toBe('maxTokens');
    await chat.dispose();
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    const text = await completion.generateCompletionWithMeta('Once', { maxTokens: 8 });
    expect(text.metadata.stopReason).toBe('maxTokens');
    await context.dispose();
    await model.dispose();
  });

  it('create an embedding context for sage/tiny-embed with 128-dimensional vectors', async () => {
    const model = await load('sage/tiny-embed');
    const context = await model.createEmbeddingContext({ contextSize: 128, threads: 1 });
    const first = await context.getEmbeddingFor('hello');
    const again = await context.getEmbeddingFor('hello');
    const other = await context.getEmbeddingFor('something else');
    expect(first.vector).toHaveLength(128);
    expect(first.calculateCosineSimilarity(again)).toBeCloseTo(1, 6);
    expect(first.calculateCosineSimilarity(other)).toBeLessThan(0.999);
    await context.dispose();
    await model.dispose();
  });
});

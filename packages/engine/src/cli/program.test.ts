import { ValidationError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { defaultThreads } from '../defaults.js';
import { parseEngineArguments } from './program.js';

const environment = { availableCores: 8, defaultModelsDirectory: '/home/sage/.sage/models', defaultThreads };

describe('parseEngineArguments', () => {
  it('applies tiny-model defaults: kind from the model, small context, queue of 4 × parallel', () => {
    const options = parseEngineArguments(['--model', 'sage/tiny-embed', '--port', '8090'], environment);
    expect(options).toMatchObject({
      kind: 'embedding',
      host: '127.0.0.1',
      port: 8090,
      device: 'cpu',
      threads: 7,
      contextSize: 512,
      parallel: 1,
      maxQueue: 4,
      servedModelName: 'sage/tiny-embed',
      modelsDirectory: '/home/sage/.sage/models',
      defaultMaxTokens: 16,
    });
  });

  it('takes every flag the control plane passes', () => {
    const options = parseEngineArguments(
      [
        ...['--model', '/models/qwen.gguf', '--kind', 'llm', '--host', '0.0.0.0', '--port', '8001'],
        ...['--device', 'cuda', '--threads', '3', '--context-size', '2048', '--parallel', '2'],
        ...['--max-queue', '0', '--served-model-name', 'qwen', '--models-dir', '/state/models'],
      ],
      environment,
    );
    expect(options).toMatchObject({
      model: '/models/qwen.gguf',
      host: '0.0.0.0',
      device: 'cuda',
      threads: 3,
      contextSize: 2048,
      parallel: 2,
      maxQueue: 0,
      servedModelName: 'qwen',
      modelsDirectory: '/state/models',
      defaultMaxTokens: undefined,
    });
  });

  it('names the failing flags in kebab-case', () => {
    const error = (() => {
      try {
        parseEngineArguments(
          ['--model', 'sage/tiny-chat', '--port', '99999', '--context-size', 'x', '--device', 'tpu'],
          environment,
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('--port');
    expect(message).toContain('--context-size');
    expect(message).toContain('--device');
  });
});

describe('defaultThreads', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [16, 15],
  ])('uses %i cores → %i threads', (cores, threads) => {
    expect(defaultThreads(cores)).toBe(threads);
  });
});

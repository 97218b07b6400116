import { parseEngineStartRequest, ValidationError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { createCustomBackend } from './custom.js';

describe('createCustomBackend', () => {
  it('fills placeholders inside argv elements without a shell', () => {
    const backend = createCustomBackend({
      name: 'llama-server',
      command: ['llama-server', '-m', '{model}', '--host', '{host}', '--port', '{port}', '--device={device}'],
    });
    const request = parseEngineStartRequest({
      model_id: 'models/a b; rm -rf.gguf',
      extra_args: ['--ctx', '512'],
    });
    const { argv } = backend.launch(request, {
      host: '127.0.0.1',
      port: 8950,
      gpuIds: [],
      device: 'cpu',
      reservedMemoryGbPerGpu: 0,
      stateDir: '/tmp',
    });
    expect(argv).toEqual([
      'llama-server',
      '-m',
      'models/a b; rm -rf.gguf',
      '--host',
      '127.0.0.1',
      '--port',
      '8950',
      '--device=cpu',
      '--ctx',
      '512',
    ]);
  });

  it('rejects bad options naming the backend and the field', () => {
    expect(() => createCustomBackend({ name: 'x', command: [] })).toThrow(ValidationError);
    expect(() => createCustomBackend({ name: 'x', command: [] })).toThrow(
      /invalid custom backend 'x': command/,
    );
  });
});

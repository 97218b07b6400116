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
      model_id: './models/chat-q4.gguf',
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
      './models/chat-q4.gguf',
      '--host',
      '127.0.0.1',
      '--port',
      '8950',
      '--device=cpu',
      '--ctx',
      '512',
    ]);
  });

  it('keeps a placeholder inside one argv element: a model id never becomes several arguments', () => {
    const backend = createCustomBackend({ name: 'one', command: ['server', '--model={model}'] });
    const request = parseEngineStartRequest({ model_id: 'org/name' });
    const { argv } = backend.launch(request, {
      host: '127.0.0.1',
      port: 1,
      gpuIds: [],
      device: 'cpu',
      reservedMemoryGbPerGpu: 0,
      stateDir: '/tmp',
    });
    expect(argv).toEqual(['server', '--model=org/name']);
  });

  it('owns the flags of its template, so requests cannot repeat them', () => {
    const backend = createCustomBackend({
      name: 'owned',
      command: ['server', '--port', '{port}', '--host={host}', '-m', '{model}'],
    });
    expect(backend.ownedFlags).toEqual(['--port', '--host', '-m']);
  });

  it.each([
    [['sh', '-c', 'llama-server --model {model}']],
    [['/bin/bash', '-lc', 'exec server', 'engine', '{model}']],
    [['env', 'A=1', 'bash', '-ec', 'server --port {port}']],
    [['python3', '-c', 'import os; os.system("{model}")']],
    [['node', '-e', 'run("{model}")']],
  ])('refuses a placeholder in code run by a shell or interpreter: %j', (command) => {
    expect(() => createCustomBackend({ name: 'shell', command })).toThrow(
      /would let a model id run commands/,
    );
  });

  it('accepts a shell script that takes the placeholder as its own argument', () => {
    expect(() =>
      createCustomBackend({ name: 'script', command: ['bash', './run-engine.sh', '{model}', '{port}'] }),
    ).not.toThrow();
    expect(() => createCustomBackend({ name: 'fixed', command: ['sh', '-c', 'exec server'] })).not.toThrow();
  });

  it('rejects bad options naming the backend and the field', () => {
    expect(() => createCustomBackend({ name: 'x', command: [] })).toThrow(ValidationError);
    expect(() => createCustomBackend({ name: 'x', command: [] })).toThrow(
      /invalid custom backend 'x': command/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  allowedFlagProblem,
  DANGEROUS_FLAGS,
  extraArgsProblem,
  flagOf,
  flagsOfTemplate,
} from './engine-args.js';

const sage = {
  backend: 'sage',
  owned: ['--host', '--port', '--models-dir', '--device'],
  allowed: ['--parallel'],
};

describe('flagOf', () => {
  it.each([
    ['--host', '--host'],
    ['--host=0.0.0.0', '--host'],
    ['--trust_remote_code', '--trust-remote-code'],
    ['-tp', '-tp'],
    ['value', undefined],
    ['-1', undefined],
    ['-0.5', undefined],
  ])('%s → %s', (arg, flag) => {
    expect(flagOf(arg)).toBe(flag);
  });

  it('reads the flags of an argv template, not its placeholders or program', () => {
    expect(flagsOfTemplate(['node', 'engine.js', '--port', '{port}', '--model={model}', '{model}'])).toEqual([
      '--port',
      '--model',
    ]);
  });
});

describe('extraArgsProblem', () => {
  it('accepts allowed flags with and without values', () => {
    expect(extraArgsProblem(['--parallel', '2'], sage)).toBeUndefined();
    expect(extraArgsProblem(['--parallel=2'], sage)).toBeUndefined();
    expect(extraArgsProblem(['--parallel'], sage)).toBeUndefined();
    expect(extraArgsProblem([], sage)).toBeUndefined();
  });

  it.each([
    [['--host', '0.0.0.0'], 0, "'--host' is set by the control plane for backend 'sage'"],
    [['--parallel', '2', '--host=0.0.0.0'], 2, "'--host' is set by the control plane"],
    [['--models-dir', '/x'], 0, "'--models-dir' is set by the control plane"],
    [['--ho', '0.0.0.0'], 0, "'--ho' is set by the control plane"],
    [['--trust-remote-code'], 0, "'--trust-remote-code' is refused"],
    [['--trust_remote_code'], 0, "'--trust-remote-code' is refused"],
    [['--trust-remote'], 0, "'--trust-remote' is refused"],
    [['--config=/etc/x.yaml'], 0, "'--config' is refused"],
    [['--threads', '4'], 0, "'--threads' is not allowed for backend 'sage' (allowed: --parallel)"],
    [['stray'], 0, "'stray' is not a flag or a flag's value"],
    [['--parallel', '2', '3'], 2, "'3' is not a flag or a flag's value"],
    [['--parallel=2', '3'], 1, "'3' is not a flag"],
    [['--parallel', '--host'], 1, "'--host' is set by the control plane"],
    [['--', '--host'], 0, "'--' is not allowed"],
  ])('refuses %j at index %i: %s', (args, index, message) => {
    const problem = extraArgsProblem(args, sage);
    expect(problem?.index).toBe(index);
    expect(problem?.message).toContain(message);
  });

  it('tells the operator where to allow a flag', () => {
    expect(extraArgsProblem(['--x'], { backend: 'vllm', owned: [], allowed: [] })?.message).toContain(
      'engines.allowed_extra_args.vllm',
    );
  });
});

describe('allowedFlagProblem (configuration)', () => {
  it('accepts ordinary flags', () => {
    expect(allowedFlagProblem('--parallel', sage)).toBeUndefined();
    expect(allowedFlagProblem('-q', sage)).toBeUndefined();
  });

  it.each([
    ['--host', 'set by the control plane'],
    ['--trust-remote-code', 'cannot be allowed'],
    ...DANGEROUS_FLAGS.map((flag): [string, string] => [flag, `'${flag}'`]),
    ['--trust', "abbreviates '--trust-remote-code'"],
    ['--po', "abbreviates '--port'"],
    ['--parallel=2', 'not a flag name'],
    ['parallel', 'not a flag name'],
  ])('refuses %s', (flag, message) => {
    const problem = allowedFlagProblem(flag, sage);
    expect(problem).toContain(message);
  });
});

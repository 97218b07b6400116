import { parseEngineStartRequest, ValidationError } from '@sage/protocol';
import { describe, expect, it } from 'vitest';
import { createCustomBackend } from './custom.js';
import { EngineRequestPolicy } from './engine-request-policy.js';
import { sageBackend } from './sage.js';
import { vllmBackend } from './vllm.js';

const links: Record<string, string> = { '/srv/models/escape.gguf': '/etc/secret.gguf' };
const policy = new EngineRequestPolicy({
  modelDirs: ['/srv/models'],
  allowedExtraArgs: { vllm: ['--max-model-len', '--enforce-eager'] },
  cwd: '/srv',
  realpath: (path) => {
    const target = links[path];
    if (target) return target;
    if (path.startsWith('/srv') || path.startsWith('/etc')) return path;
    throw new Error('ENOENT');
  },
});

function refusal(request: Record<string, unknown>, backend = vllmBackend): ValidationError | undefined {
  try {
    policy.check(parseEngineStartRequest(request), backend);
    return undefined;
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
}

describe('EngineRequestPolicy', () => {
  it('lets repository ids, aliases, hf: URIs and paths under a model directory through', () => {
    for (const model_id of [
      'Qwen/Qwen2.5-0.5B-Instruct',
      'gpt2',
      'sage/tiny-chat',
      'hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
      '/srv/models/chat.gguf',
      './models/chat.gguf',
      'models/chat.gguf',
    ]) {
      expect(refusal({ model_id }), model_id).toBeUndefined();
    }
  });

  it('refuses model paths outside the model directories, through .. or a symbolic link', () => {
    for (const model_id of [
      '/etc/passwd.gguf',
      '../etc/x.gguf',
      '/srv/models/../x.gguf',
      '/srv/models/escape.gguf',
    ]) {
      const error = refusal({ model_id });
      expect(error?.path, model_id).toBe('model_id');
      expect(error?.message).toContain('not under an allowed model directory');
    }
  });

  it('allows the operator-listed flags, including --flag=value', () => {
    expect(
      refusal({ model_id: 'org/m', extra_args: ['--max-model-len', '4096', '--enforce-eager'] }),
    ).toBeUndefined();
    expect(refusal({ model_id: 'org/m', extra_args: ['--max-model-len=4096'] })).toBeUndefined();
  });

  it('refuses owned, dangerous and unlisted flags naming the element and the flag', () => {
    expect(refusal({ model_id: 'org/m', extra_args: ['--host', '0.0.0.0'] })?.path).toBe('extra_args.0');
    const owned = refusal({ model_id: 'org/m', extra_args: ['--max-model-len', '1', '--port=1'] });
    expect(owned?.path).toBe('extra_args.2');
    expect(owned?.message).toContain("'--port'");
    expect(refusal({ model_id: 'org/m', extra_args: ['--trust-remote-code'] })?.message).toContain(
      "'--trust-remote-code' is refused",
    );
    expect(refusal({ model_id: 'org/m', extra_args: ['--parallel', '2'] }, sageBackend)?.message).toContain(
      "'--parallel' is not allowed for backend 'sage'",
    );
  });

  it('checks an allow-list against the backends: unknown backends and owned flags are configuration errors', () => {
    const check = (allowedExtraArgs: Record<string, string[]>) => () =>
      new EngineRequestPolicy({ modelDirs: [], allowedExtraArgs }).checkAllowList([
        vllmBackend,
        sageBackend,
        createCustomBackend({ name: 'fake', command: ['node', 'fake.js', '--port', '{port}'] }),
      ]);
    expect(check({ vllm: ['--max-model-len'], fake: ['--latency-ms'] })).not.toThrow();
    expect(check({ nope: ['--x'] })).toThrow(/engines.allowed_extra_args.nope: no backend 'nope'/);
    expect(check({ sage: ['--models-dir'] })).toThrow(
      /engines.allowed_extra_args.sage.0: '--models-dir' is set/,
    );
    expect(check({ fake: ['--port'] })).toThrow(/'--port' is set by the control plane for backend 'fake'/);
    expect(check({ vllm: ['--trust-remote-code'] })).toThrow(/cannot be allowed/);
  });
});

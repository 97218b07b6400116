import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGatewayConfig } from '@sage/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isOpenAiError,
  managementHeaders,
  postJson,
  type ReliabilityGateway,
  startReliabilityGateway,
} from './support/reliability-gateway.js';

// Issue 12, item 1: request input must never become an engine command line except through typed
// fields. Each case below is one an attacker tried against `sage llm serve`.

let gateway: ReliabilityGateway;
beforeAll(async () => {
  gateway = await startReliabilityGateway(15);
});
afterAll(async () => {
  await gateway?.close();
});

async function startEngine(body: Record<string, unknown>) {
  return postJson(`${gateway.url}/v1/management/engines`, body, { headers: managementHeaders(gateway) });
}

function refusal(answer: { status: number; body: unknown }) {
  expect(answer.status).toBe(400);
  expect(isOpenAiError(answer.body)).toBe(true);
  return (answer.body as { error: { message: string; param: string | null } }).error;
}

describe('engine command lines under attack', () => {
  it('refuses extra_args that repeat flags the control plane owns, naming the flag (also as --flag=value)', async () => {
    for (const extra_args of [
      ['--host', '0.0.0.0', '--models-dir', '/x'],
      ['--host=0.0.0.0'],
      ['--latency-ms', '1', '--port', '1'],
      ['--model', 'other/model'],
    ]) {
      const error = refusal(await startEngine({ model_id: 'fake/attack', backend: 'fake', extra_args }));
      const flag = extra_args.find((arg) =>
        ['--host', '--port', '--model'].includes(arg.split('=')[0] ?? ''),
      );
      expect(error.message).toContain(`'${flag?.split('=')[0]}' is set by the control plane`);
      expect(error.param).toMatch(/^extra_args\.\d+$/);
    }
    expect(gateway.gateway.manager.listEngines()).toEqual([]);
  });

  it('refuses dangerous flags for every backend, even before the program is looked up', async () => {
    for (const backend of ['vllm', 'hf-embed', 'sage', 'fake']) {
      for (const flag of [
        '--trust-remote-code',
        '--trust_remote_code',
        '--trust-remote',
        '--config=/tmp/x.yaml',
      ]) {
        const error = refusal(
          await startEngine({ model_id: 'org/model', engine_kind: 'embedding', backend, extra_args: [flag] }),
        );
        expect(error.message, `${backend} ${flag}`).toMatch(/is refused|is set by the control plane/);
        expect(error.param).toBe('extra_args.0');
      }
    }
  });

  it('refuses flags the operator did not allow, and values without a flag', async () => {
    expect(
      refusal(await startEngine({ model_id: 'fake/a', backend: 'fake', extra_args: ['--inspect'] })).message,
    ).toContain("'--inspect' is not allowed for backend 'fake'");
    expect(
      refusal(await startEngine({ model_id: 'fake/a', backend: 'fake', extra_args: ['stray'] })).message,
    ).toContain("'stray' is not a flag");
  });

  it('validates model_id before any backend sees it: shell metacharacters, flags, NUL, paths outside the model dirs', async () => {
    for (const model_id of [
      'x; touch /tmp/sage-pwned',
      '$(id)',
      '`id`',
      '--trust-remote-code',
      '-h',
      'org/model\u0000',
      'org/model\n--host=0.0.0.0',
      '/etc/passwd.gguf',
      '../../etc/shadow.gguf',
    ]) {
      const error = refusal(await startEngine({ model_id, backend: 'fake' }));
      expect(error.message, JSON.stringify(model_id)).toContain('model_id');
      expect(error.param).toBe('model_id');
    }
    expect(gateway.gateway.manager.listEngines()).toEqual([]);
  });

  it('starts an engine whose flags the operator allowed', async () => {
    const answer = await startEngine({
      model_id: 'fake/allowed',
      backend: 'fake',
      extra_args: ['--latency-ms=1'],
    });
    expect(answer.status).toBe(201);
    const command = (answer.body as { command: string[] }).command;
    expect(command.slice(-1)).toEqual(['--latency-ms=1']);
    expect(command.filter((arg) => arg === '--host')).toHaveLength(1);
  });
});

describe('custom backend templates', () => {
  it('refuses a placeholder inside a shell command string at configuration time, with its position', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sage-shell-template-'));
    const file = join(directory, 'sage.yaml');
    writeFileSync(
      file,
      [
        'backends:',
        '  - name: wrapped',
        '    command: [sh, -c, "exec my-server --model {model} --port {port}"]',
        '',
      ].join('\n'),
    );
    await expect(loadGatewayConfig(file)).rejects.toThrow(
      /sage\.yaml:3:\d+: .*would let a model id run commands/,
    );
  });
});

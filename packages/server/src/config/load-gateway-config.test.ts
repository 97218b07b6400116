import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RequestScheduler } from '@sage/control-plane';
import { ConfigValidationError } from '@sage/presets';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { GatewayConfigSchema } from './gateway-config-schema.js';
import { parseGatewayConfig } from './load-gateway-config.js';
import { toManagerOptions } from './manager-options.js';

const examplePath = fileURLToPath(new URL('../../../../examples/sage.example.yaml', import.meta.url));

function parseError(text: string): ConfigValidationError {
  try {
    parseGatewayConfig(text, { file: 'sage.yaml' });
  } catch (error) {
    if (ConfigValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

/** Every key of the schema, as `section.key` paths (array items under their list's key). */
function schemaKeys(schema: z.ZodType, prefix = ''): string[] {
  const inner = (schema as { unwrap?: () => z.ZodType }).unwrap?.() ?? schema;
  const def = (
    inner as { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; in?: z.ZodType } }
  ).def;
  if (def.type === 'pipe' && def.in) return schemaKeys(def.in, prefix);
  if (def.type === 'array' && def.element) return schemaKeys(def.element, prefix);
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape).flatMap(([key, value]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...schemaKeys(value, path)];
  });
}

describe('sage.yaml', () => {
  it('sets server limits under limits:, the rest keeping their defaults', () => {
    const config = parseGatewayConfig(
      ['limits:', '  max_connections: 3', '  headers_timeout_ms: 2000'].join('\n'),
      {
        file: 'sage.yaml',
      },
    );
    expect(config.limits).toEqual({
      maxConnections: 3,
      headersTimeoutMs: 2000,
      requestTimeoutMs: GATEWAY_DEFAULTS.clientRequestTimeoutMs,
      keepAliveTimeoutMs: GATEWAY_DEFAULTS.clientKeepAliveTimeoutMs,
      maxJsonDepth: GATEWAY_DEFAULTS.maxJsonDepth,
    });
    expect(parseError('limits:\n  max_connections: 0').message).toMatch(/limits\.max_connections/);
  });

  it('converts engines: through the wire boundary, keeping the backend names of allowed_extra_args', () => {
    const config = parseGatewayConfig(
      [
        'backends:',
        '  - name: my_engine',
        "    command: ['my-engine', '--port', '{port}', '--model', '{model}']",
        'engines:',
        '  allowed_extra_args:',
        "    my_engine: ['--max-len']",
        '  pass_env: [HF_*]',
        '  memory_cap_mb: 512',
      ].join('\n'),
      { file: 'sage.yaml' },
    );
    expect(config.engines).toEqual({
      allowedExtraArgs: { my_engine: ['--max-len'] },
      passEnv: ['HF_*'],
      memoryCapMb: 512,
    });
    expect(parseGatewayConfig('port: 1', { file: 'sage.yaml' }).engines).toEqual({
      allowedExtraArgs: {},
      passEnv: [],
    });
  });

  it('parses a file over the defaults, in camelCase, keeping backend definitions as written', () => {
    const config = parseGatewayConfig(
      [
        'port: 9001',
        'api_keys:',
        '  - key: sk-0123456789',
        '    admin: true',
        'scheduling:',
        '  policy: fifo',
        '  queue_timeout_ms: 500',
        'health:',
        '  interval_ms: 2000',
        'backends:',
        '  - name: echo',
        "    command: [echo, '{model}']",
      ].join('\n'),
      { file: 'sage.yaml' },
    );
    expect(config.port).toBe(9001);
    expect(config.host).toBe('127.0.0.1');
    expect(config.apiKeys).toEqual([{ key: 'sk-0123456789', admin: true }]);
    expect(config.scheduling).toEqual({ policy: 'fifo', queueTimeoutMs: 500 });
    expect(config.health).toMatchObject({ intervalMs: 2000, requestFailureThreshold: 3 });
    expect(config.backends[0]).toMatchObject({
      name: 'echo',
      command: ['echo', '{model}'],
      startupTimeoutMs: 120_000,
    });
    expect(config.bodyLimitBytes).toBe(GATEWAY_DEFAULTS.bodyLimitBytes);
  });

  it('resolves relative preset files and state directories against the file, and ~ to the home folder', () => {
    const config = parseGatewayConfig('preset: presets/team.yaml\nstate_dir: ./state\n', {
      file: '/etc/sage/sage.yaml',
    });
    expect(config).toMatchObject({ preset: '/etc/sage/presets/team.yaml', stateDir: '/etc/sage/state' });
    const builtin = parseGatewayConfig('preset: local\nstate_dir: ~/sage-state\n', { file: 'sage.yaml' });
    expect(builtin.preset).toBe('local');
    expect(builtin.stateDir).toBe(join(homedir(), 'sage-state'));
  });

  it.each([
    ['an unknown key', 'scheduling:\n  polcy: fifo\n', 2, 3, 'scheduling.polcy'],
    ['a wrong type', 'port: eighty\n', 1, 7, 'port'],
    ['an unknown policy', 'scheduling:\n  policy: fastest\n', 2, 11, 'scheduling.policy'],
    ['a short key', 'api_keys:\n  - key: abc\n', 2, 10, 'api_keys.0.key'],
    ['a bad origin', "cors_origins: ['http://x.test/path']\n", 1, 16, 'cors_origins.0'],
    ['a built-in backend name', 'backends:\n  - name: vllm\n    command: [x]\n', 2, 11, 'backends.0.name'],
    ['a catalog model without model_id', 'models:\n  - name: qwen\n', 2, 5, 'models.0.model_id'],
    ['a negative ttl', 'models:\n  - name: q\n    model_id: o/q\n    ttl_s: -1\n', 4, 12, 'models.0.ttl_s'],
    [
      'a model of an unknown backend',
      'models:\n  - name: q\n    model_id: o/q\n    backend: nope\n',
      4,
      14,
      'models.0.backend',
    ],
    [
      'a duplicate alias',
      'models:\n  - name: a\n    model_id: o/a\n  - name: b\n    model_id: o/b\n    aliases: [a]\n',
      6,
      15,
      'models.1.aliases.0',
    ],
    ['a bad load timeout', 'model_loading:\n  load_timeout_ms: 0\n', 2, 20, 'model_loading.load_timeout_ms'],
    [
      'a group naming an unknown model',
      'models:\n  - name: a\n    model_id: o/a\nmodel_groups:\n  - name: g\n    mode: together\n    members: [a, ghost]\n',
      7,
      18,
      'model_groups.0.members.1',
    ],
    [
      'contradictory groups',
      'models:\n  - { name: a, model_id: o/a }\n  - { name: b, model_id: o/b }\nmodel_groups:\n  - { name: t, mode: together, members: [a, b] }\n  - name: x\n    mode: exclusive\n    members: [a, b]\n',
      8,
      14,
      'model_groups.1.members',
    ],
  ])('reports %s with file:line:col', (_name, text, line, column, path) => {
    const error = parseError(text);
    expect({ line: error.line, column: error.column, path: error.path }).toEqual({ line, column, path });
    expect(error.message).toMatch(new RegExp(`^sage.yaml:${line}:${column}: ${path.replace('.', '\\.')}`));
  });

  it('reads the model catalog: operator-trusted models for the manager, timings in ms', () => {
    const config = parseGatewayConfig(
      'models:\n  - name: qwen\n    model_id: Qwen/Qwen2.5-0.5B-Instruct\n    ttl_s: 60\n    args: [--max-model-len, "8192"]\nmodel_loading:\n  load_timeout_ms: 5000\n',
      { file: 'sage.yaml' },
    );
    expect(config.models).toEqual([
      expect.objectContaining({ name: 'qwen', ttl_s: 60, args: ['--max-model-len', '8192'] }),
    ]);
    expect(config.modelLoading).toEqual({ loadTimeoutMs: 5000 });
  });

  it('reads model_groups as written for the manager', () => {
    const config = parseGatewayConfig(
      'models:\n  - { name: a, model_id: o/a }\n  - { name: b, model_id: o/b }\nmodel_groups:\n  - { name: pair, mode: exclusive, members: [a, b] }\n',
      { file: 'sage.yaml' },
    );
    expect(config.modelGroups).toEqual([{ name: 'pair', mode: 'exclusive', members: ['a', 'b'] }]);
  });

  it('passes executor: to the manager as written, and names a bad field', () => {
    const config = parseGatewayConfig(
      'executor:\n  kind: kubernetes\n  namespace: sage\n  engine_address: cluster_ip\n',
      {
        file: 'sage.yaml',
      },
    );
    expect(toManagerOptions(config).executor).toMatchObject({
      kind: 'kubernetes',
      namespace: 'sage',
      engine_address: 'cluster_ip',
    });
    expect(parseError('executor:\n  kind: kubernetes\n  namespace: Not_A_Name\n').message).toMatch(
      /executor\.namespace/,
    );
    expect(parseError('executor:\n  kind: slurm\n').message).toMatch(/executor\.kind|executor/);
  });

  it('reports invalid YAML with its position', () => {
    const error = parseError('port: 1\n  host: [\n');
    expect(error.message).toMatch(/^sage\.yaml:\d+:\d+: invalid YAML/);
  });

  it('parses examples/sage.example.yaml, which mentions every option', () => {
    const text = readFileSync(examplePath, 'utf8');
    const config = parseGatewayConfig(text, { file: examplePath });
    expect(config.apiKeys.length).toBeGreaterThan(0);
    expect(config.backends.map((backend) => backend.name)).toEqual(['llama-server']);
    // The policy parameters are valid for their policies, and the backends build.
    const options = toManagerOptions(config);
    expect(() => new RequestScheduler({ engines: () => [], ...options.scheduling })).not.toThrow();
    expect(options.customBackends?.map((backend) => backend.name)).toEqual(['llama-server']);
    const paths = schemaKeys(GatewayConfigSchema);
    expect(paths).toEqual(expect.arrayContaining(['health.request_failure_threshold', 'backends.command']));
    for (const path of paths) {
      const key = path.split('.').at(-1) ?? path;
      if (path.startsWith('scheduling.parameters.')) continue;
      expect(text, `examples/sage.example.yaml should document '${path}'`).toMatch(new RegExp(`\\b${key}:`));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { camelToSnake, fromWire, snakeToCamel, toWire, wireObject } from './case.js';

describe('camelCase in TypeScript, snake_case outside', () => {
  it('converts keys both ways and leaves user-owned maps alone', () => {
    const wire = { model_id: 'm', gpu_ids: [0], env: { HF_HOME: '/x' }, metadata: { preset_engine: 'e' } };
    const value = fromWire<Record<string, unknown>>(wire);
    expect(value).toEqual({
      modelId: 'm',
      gpuIds: [0],
      env: { HF_HOME: '/x' },
      metadata: { preset_engine: 'e' },
    });
    expect(toWire(value)).toEqual(wire);
    expect(snakeToCamel('startup_timeout_ms')).toBe('startupTimeoutMs');
    expect(camelToSnake('startupTimeoutMs')).toBe('startup_timeout_ms');
  });

  it('keeps the fields named opaque as written, whichever case names them', () => {
    const wire = { allowed_extra_args: { my_engine: ['--x'] }, pass_env: ['HF_*'], deep: { inner_key: 1 } };
    expect(fromWire(wire, { opaque: ['allowed_extra_args'] })).toEqual({
      allowedExtraArgs: { my_engine: ['--x'] },
      passEnv: ['HF_*'],
      deep: { innerKey: 1 },
    });
    expect(toWire({ allowedExtraArgs: { my_engine: ['--x'] } }, { opaque: ['allowedExtraArgs'] })).toEqual({
      allowed_extra_args: { my_engine: ['--x'] },
    });
    expect(fromWire({ allowed_extra_args: { my_engine: [] } })).toEqual({
      allowedExtraArgs: { myEngine: [] },
    });
    expect(fromWire({ unset: undefined, kept: null })).toEqual({ kept: null });
  });

  it('wireObject: the same fields under snake_case keys, strictness and defaults kept', () => {
    const Options = z.strictObject({
      healthPaths: z.array(z.string().startsWith('/')).optional(),
      startupTimeoutMs: z.int().positive().default(120_000),
    });
    const Wire = wireObject(Options);
    expect(Object.keys(Wire.shape)).toEqual(['health_paths', 'startup_timeout_ms']);
    expect(fromWire(Wire.parse({ health_paths: ['/ready'] }))).toEqual({
      healthPaths: ['/ready'],
      startupTimeoutMs: 120_000,
    });
    const typo = Wire.safeParse({ startupTimeoutMs: 5 });
    expect(typo.success).toBe(false);
    expect(typo.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['startupTimeoutMs'] });
    const bad = Wire.safeParse({ startup_timeout_ms: -1 });
    expect(bad.error?.issues[0]?.path).toEqual(['startup_timeout_ms']);
    expect(wireObject(z.object({ aB: z.string() })).safeParse({ a_b: 'x', extra: 1 }).success).toBe(true);
  });
});

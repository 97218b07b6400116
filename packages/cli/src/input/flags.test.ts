import { describe, expect, it } from 'vitest';
import { CliExitError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import {
  ApiBaseFlag,
  EngineIdArgument,
  EnginePortFlag,
  GatewayPortFlag,
  GpuIdsFlag,
  PolicyFlag,
  PositiveNumberFlag,
  parseFlag,
  parseOptionalFlag,
} from './flags.js';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(CliExitError.isInstance(error)).toBe(true);
    expect((error as CliExitError).exitCode).toBe(EXIT_CODES.usage);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseFlag', () => {
  it('turns valid strings into numbers, lists and URLs', () => {
    expect(parseFlag('--engine-port', EnginePortFlag, '8001')).toBe(8001);
    expect(parseFlag('--port', GatewayPortFlag, '0')).toBe(0);
    expect(parseFlag('--gpu-ids', GpuIdsFlag, '0, 1,3')).toEqual([0, 1, 3]);
    expect(parseFlag('--required-memory-gb', PositiveNumberFlag, '7.5')).toBe(7.5);
    expect(parseFlag('--api-base', ApiBaseFlag, 'http://10.0.0.2:8889/v1/')).toBe('http://10.0.0.2:8889/v1');
    expect(parseFlag('--policy', PolicyFlag, 'slo_aware')).toBe('slo_aware');
    expect(parseFlag('ID', EngineIdArgument, 'engine-1a2b')).toBe('engine-1a2b');
  });

  it('names the flag and the bad value in a usage error (exit code 2)', () => {
    expect(usageMessage(() => parseFlag('--engine-port', EnginePortFlag, '70000'))).toBe(
      "--engine-port: must be at most 65535 (got '70000')",
    );
    expect(usageMessage(() => parseFlag('--engine-port', EnginePortFlag, 'abc'))).toBe(
      "--engine-port: must be a whole number (got 'abc')",
    );
    expect(usageMessage(() => parseFlag('--engine-port', EnginePortFlag, ''))).toContain('--engine-port:');
    expect(usageMessage(() => parseFlag('--gpu-ids', GpuIdsFlag, '0,,1'))).toContain(
      '--gpu-ids: must be GPU indices',
    );
    expect(usageMessage(() => parseFlag('--gpu-ids', GpuIdsFlag, '1,1'))).toContain('must not repeat');
    expect(usageMessage(() => parseFlag('--required-memory-gb', PositiveNumberFlag, '-3'))).toContain(
      '--required-memory-gb:',
    );
    expect(usageMessage(() => parseFlag('--api-base', ApiBaseFlag, 'ftp://x'))).toContain(
      '--api-base: must be an http:// or https:// URL',
    );
    expect(usageMessage(() => parseFlag('--policy', PolicyFlag, 'slo-aware'))).toContain(
      '--policy: must be a scheduling policy name',
    );
    expect(usageMessage(() => parseFlag('ID', EngineIdArgument, '../etc'))).toContain('ID:');
  });

  it('leaves an absent optional flag undefined', () => {
    expect(parseOptionalFlag('--engine-port', EnginePortFlag, undefined)).toBeUndefined();
  });
});

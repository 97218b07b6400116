import { EngineKind, PolicyName } from '@sage/protocol';
import { z } from 'zod';
import { usageError } from '../errors.js';

/**
 * zod schemas for command-line values (commander hands every value over as a string) and the
 * one function that applies them: errors name the flag, exit code 2.
 */

function wholeNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A TCP port an engine may use. */
export const EnginePortFlag = wholeNumber(1, 65_535);
/** A gateway port; 0 lets the OS pick one (the pid file records the real one). */
export const GatewayPortFlag = wholeNumber(0, 65_535);
/** A count such as `--tensor-parallel`, `--max-concurrent`, `-n`. */
export const PositiveIntegerFlag = wholeNumber(1, Number.MAX_SAFE_INTEGER);
/** Lines of a log tail (0 is allowed: follow only new lines). */
export const LineCountFlag = wholeNumber(0, 1_000_000);

/** A positive amount such as `--required-memory-gb 7.5`. */
export const PositiveNumberFlag = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
  .transform(Number)
  .pipe(z.number().positive('must be greater than 0'));

/** `--gpu-ids 0,1`: GPU indices, comma-separated, no duplicates. */
export const GpuIdsFlag = z
  .string()
  .trim()
  .regex(/^\d+(\s*,\s*\d+)*$/, 'must be GPU indices separated by commas, e.g. 0,1')
  .transform((text) => text.split(',').map((part) => Number(part.trim())))
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a GPU index');

/** `--api-base`: an http(s) URL, trailing slashes removed. */
export const ApiBaseFlag = z
  .string()
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }))
  .transform((url) => url.replace(/\/+$/, ''));

/** An engine id as the gateway prints it. */
export const EngineIdArgument = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be an engine id as `sage llm engine list` shows it');

/** A non-empty word: a model id, a label, a backend name. */
export const NonEmptyFlag = z.string().trim().min(1, 'must not be empty');

export const EngineKindFlag = EngineKind;
/** `--policy`: its form only; the gateway module's registry decides whether it exists ({@link checkPolicy}). */
export const PolicyFlag = PolicyName;
export const HostFlag = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address');

/**
 * Validate one command-line value. Throws a usage error (exit code 2) that names the flag:
 * `--engine-port: must be at most 65535 (got '70000')`.
 *
 * @example
 * ```ts
 * const port = parseFlag('--engine-port', EnginePortFlag, options.enginePort);
 * ```
 */
export function parseFlag<Schema extends z.ZodType>(
  flag: string,
  schema: Schema,
  value: unknown,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message ?? 'is invalid';
  const shown = typeof value === 'string' ? ` (got '${value}')` : '';
  throw usageError(`${flag}: ${message}${shown}`);
}

/** {@link parseFlag} for an optional flag: `undefined` stays `undefined`. */
export function parseOptionalFlag<Schema extends z.ZodType>(
  flag: string,
  schema: Schema,
  value: unknown,
): z.output<Schema> | undefined {
  return value === undefined ? undefined : parseFlag(flag, schema, value);
}

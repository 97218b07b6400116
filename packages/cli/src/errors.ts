import { errorMarker, hasMarker, SageError } from '@sage/protocol';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

const cliExitMarker = errorMarker('cli', 'CliExitError');

/**
 * What a command throws to end the process with a given exit code. Only `bin/sage.ts` prints
 * it (`sage: <message>`) and exits; an empty message prints nothing.
 *
 * @example
 * ```ts
 * throw new CliExitError(EXIT_CODES.failed, `engine ${engineId} FAILED: ${lastError}`);
 * ```
 */
export class CliExitError extends SageError {
  readonly [cliExitMarker] = true;
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options: { cause?: unknown } = {}) {
    super({ name: 'CliExitError', message, cause: options.cause });
    this.exitCode = exitCode;
  }

  static override isInstance(error: unknown): error is CliExitError {
    return hasMarker(error, cliExitMarker);
  }
}

/** A wrong command line: exit code 2. */
export function usageError(message: string): CliExitError {
  return new CliExitError(EXIT_CODES.usage, message);
}

/** The hint printed when nothing answers at `apiBase`. */
function unreachableHint(apiBase: string): string {
  return `no gateway at ${apiBase} — start one with \`sage gateway start\` (or \`sage llm serve\`)`;
}

const gatewayUnreachableMarker = errorMarker('cli', 'GatewayUnreachableError');

/** Nothing answered at the gateway URL: exit code 3 with a one-line hint. */
export class GatewayUnreachableError extends CliExitError {
  readonly [gatewayUnreachableMarker] = true;
  readonly apiBase: string;

  constructor(apiBase: string, options: { cause?: unknown } = {}) {
    super(EXIT_CODES.gatewayUnreachable, unreachableHint(apiBase), options);
    this.apiBase = apiBase;
  }

  static override isInstance(error: unknown): error is GatewayUnreachableError {
    return hasMarker(error, gatewayUnreachableMarker);
  }
}

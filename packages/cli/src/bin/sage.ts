#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { SageError, ValidationError } from '@sage/protocol';
import { CommanderError } from 'commander';
import { processContext } from '../context.js';
import { CliExitError, GatewayUnreachableError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import { buildProgram } from '../program.js';
import { CLI_VERSION } from '../version.js';

/**
 * The `sage` bin: parse, run, map errors to exit codes. The only `process.exit` of the CLI.
 * Exit codes: 0 ok, 1 failed, 2 usage, 3 gateway unreachable (see `exit-codes.ts`).
 */

function exitCodeOf(thrown: unknown): number {
  const error = asCliError(thrown);
  if (error instanceof CommanderError) {
    // Commander already printed the message (or the help / version).
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  if (CliExitError.isInstance(error)) {
    if (error.message) console.error(`sage: ${error.message}`);
    return error.exitCode;
  }
  if (ValidationError.isInstance(error) || isConfigError(error)) {
    console.error(`sage: ${error.message}`);
    return EXIT_CODES.usage;
  }
  if (SageError.isInstance(error) || isSystemError(error)) {
    console.error(`sage: ${error.message}`);
    return EXIT_CODES.failed;
  }
  console.error(
    `sage: unexpected error — this is a bug in sage ${CLI_VERSION}; please report it with this output:`,
  );
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT_CODES.failed;
}

/**
 * The management client's `SageConnectionError` (nothing answers at its API base) is exit 3 with
 * the hint. Its `SageApiError` and `SageTimeoutError` messages already say the HTTP status, code
 * and request id: they are printed as they are (exit 1).
 */
function asCliError(error: unknown): unknown {
  if (error instanceof Error && error.name === 'SageConnectionError') {
    const url = (error as { url?: unknown }).url;
    if (typeof url === 'string') return new GatewayUnreachableError(url, { cause: error });
  }
  return error;
}

/** Preset and config file errors (`ConfigValidationError`, `UnknownPresetError`) are usage errors. */
function isConfigError(error: unknown): error is Error {
  return (
    error instanceof Error && (error.name === 'ConfigValidationError' || error.name === 'UnknownPresetError')
  );
}

/** `EADDRINUSE`, `EACCES`, `ENOENT` …: the world said no; not a bug. */
function isSystemError(error: unknown): error is Error {
  return (
    error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'syscall' in error
  );
}

async function main(): Promise<number> {
  const binPath = realpathSync(process.argv[1] ?? '');
  const program = buildProgram(processContext({ version: CLI_VERSION, binPath }));
  try {
    await program.parseAsync(process.argv);
    return EXIT_CODES.ok;
  } catch (error) {
    return exitCodeOf(error);
  }
}

// Output to a closed pipe (`sage … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT_CODES.ok);
});

/** Exit once stdout and stderr have flushed (pipes may still hold a large `--json` answer). */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => {
    process.stderr.write('', () => process.exit(code));
  });
}

main().then(exitAfterFlush);

/**
 * Exit codes of the `sage` command. Scripts may rely on them; `docs/cli.md` lists them.
 */
export const EXIT_CODES = {
  /** Everything worked. */
  ok: 0,
  /** The operation failed (an engine FAILED, the gateway refused the request, a preset did not apply). */
  failed: 1,
  /** The command line was wrong: unknown flag, bad number, unknown preset, invalid file. */
  usage: 2,
  /** Nothing answered at the gateway URL. */
  gatewayUnreachable: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

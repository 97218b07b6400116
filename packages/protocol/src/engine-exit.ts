import { z } from 'zod';

/**
 * How an engine process ended, in one vocabulary for the API (`last_exit_class`), the CLI and
 * the logs. The table of exit codes behind it is in docs/engines.md ("Exit codes").
 *
 * - `not_startable`: the engine said it cannot work as configured (bad model file, bad command
 *   line, no CUDA, program missing). Restarting cannot help: FAILED at once.
 * - `crashed`: it exited on its own with another code (or 0 without being asked to stop).
 * - `killed`: a signal ended it (SIGKILL, SIGSEGV, …), not the control plane's stop.
 * - `out_of_memory`: it passed its memory cap, or the kernel's OOM killer ended it.
 * - `stopped`: the control plane stopped it.
 */
export const EngineExitClass = z.enum(['not_startable', 'crashed', 'killed', 'out_of_memory', 'stopped']);
export type EngineExitClass = z.infer<typeof EngineExitClass>;

/**
 * Exit codes the project's own engines use (`sage-engine`, the hf-embed server, the fake
 * engine's `--exit-at-start`). Codes follow BSD `sysexits.h` where one fits.
 */
export const ENGINE_EXIT_CODES = {
  /** Stopped on SIGTERM/SIGINT. */
  stopped: 0,
  /** An unexpected failure (a bug, a lost port, a full disk while serving): retried. */
  crashed: 1,
  /** Bad command line (argparse and commander use 2 too): not startable. */
  usage: 2,
  /** EX_DATAERR: the model file is not a loadable model (bad GGUF header, truncated): not startable. */
  badModel: 65,
  /** EX_NOINPUT: the model names nothing that exists here (missing file, `hf:` URI that cannot be fetched): not startable. */
  modelNotFound: 66,
  /** EX_CONFIG: the host cannot run it as asked (no CUDA, no torch): not startable. */
  configuration: 78,
} as const;

/**
 * Exit codes that mean "this engine cannot start as configured", from any program: 2 (usage),
 * 64 EX_USAGE, 65 EX_DATAERR, 66 EX_NOINPUT, 77 EX_NOPERM, 78 EX_CONFIG, and 126/127 (a
 * wrapper script's "not executable" / "command not found").
 */
export const NOT_STARTABLE_EXIT_CODES: readonly number[] = [2, 64, 65, 66, 77, 78, 126, 127];

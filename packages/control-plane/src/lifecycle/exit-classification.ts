import { constants } from 'node:os';
import { type EngineExitClass, NOT_STARTABLE_EXIT_CODES } from '@sage/protocol';
import type { ProcessExit } from './process-tree.js';

/** How one engine process ended, and what the supervisor does about it. */
export interface ExitClassification {
  class: EngineExitClass;
  /** Whether a restart can help: false for `not_startable` (FAILED at once). */
  retry: boolean;
  /** In words, for logs and `last_error`. */
  description: string;
  /** The signal that ended it, also when a wrapper shell reported it as 128 + n. */
  signal: string | null;
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/** A shell that ran the engine as a child (no `exec`) reports a signal death as 128 + n. */
function signalOfShellCode(code: number): string | null {
  return code > 128 && code <= 128 + 64 ? (SIGNAL_NAMES.get(code - 128) ?? null) : null;
}

/**
 * The one place exits are classified (not startable / crashed / killed by signal / out of
 * memory). Pure: `exit.oomKilled` is set by the lifecycle when the kernel's OOM killer counted a
 * kill while the engine ran. The table of codes is in docs/engines.md.
 */
export function classifyExit(exit: ProcessExit): ExitClassification {
  if (exit.spawnError) {
    return {
      class: 'not_startable',
      retry: false,
      description: `could not start: ${exit.spawnError}`,
      signal: null,
    };
  }
  const code = exit.exitCode;
  const signal = exit.signal ?? (code === null ? null : signalOfShellCode(code));
  if (signal !== null) {
    if (exit.oomKilled && signal === 'SIGKILL') {
      return {
        class: 'out_of_memory',
        retry: true,
        description: 'process killed by the kernel out-of-memory killer (SIGKILL)',
        signal,
      };
    }
    const how = exit.signal
      ? `killed by ${signal}`
      : `killed by ${signal} (exit code ${code} from a wrapper)`;
    return { class: 'killed', retry: true, description: `process ${how}`, signal };
  }
  if (code !== null && NOT_STARTABLE_EXIT_CODES.includes(code)) {
    return {
      class: 'not_startable',
      retry: false,
      description: `process exited with code ${code}: the engine cannot start as configured, not retrying`,
      signal: null,
    };
  }
  if (code === 0) {
    return {
      class: 'crashed',
      retry: true,
      description: 'process exited with code 0 though nobody stopped it',
      signal: null,
    };
  }
  return {
    class: 'crashed',
    retry: true,
    description: code === null ? 'process exited' : `process exited with code ${code}`,
    signal: null,
  };
}

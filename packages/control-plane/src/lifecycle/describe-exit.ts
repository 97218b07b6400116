import type { ProcessExit } from './process-tree.js';

/** How a process ended, in words for logs and `last_error`. */
export function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return `could not start: ${exit.spawnError}`;
  if (exit.signal) return `process killed by ${exit.signal}`;
  if (exit.exitCode !== null) return `process exited with code ${exit.exitCode}`;
  return 'process exited';
}

import type { Terminal } from '../output/print.js';

/** A {@link Terminal} that keeps what is written, for assertions. */
export function captureTerminal(options: { isTTY?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const terminal: Terminal = {
    write: (text) => {
      stdout += text;
    },
    writeError: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY === true,
  };
  return { terminal, stdout: () => stdout, stderr: () => stderr };
}

import { createInterface } from 'node:readline/promises';
import { createManagementClient } from '@sage/llm-core';
import { managementKey } from './api/local-admin-token.js';
import type { ManagementClient } from './api/management-types.js';
import { CLI_DEFAULTS, CLI_ENV } from './defaults.js';
import { gatewayPaths } from './gateway/state-directory.js';
import { processTerminal, type Terminal } from './output/print.js';

/** Stop listening for a signal. */
export type Unsubscribe = () => void;

/**
 * Everything a command needs from the world, injected so tests run commands without a
 * process, a terminal or a gateway (STYLE G7).
 */
export interface CliContext {
  /** Version of `@sage/cli`, for `--version` and the "this is a bug" message. */
  version: string;
  /** Absolute path of the `sage` bin; a background gateway runs `node <binPath> gateway start --foreground`. */
  binPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  terminal: Terminal;
  /** Whether stdin is a terminal (prompts only then). */
  stdinIsTTY: boolean;
  /** Standard input (`sage llm chat` without TEXT reads the conversation from it). */
  stdin?: NodeJS.ReadableStream;
  /**
   * A management client for `apiBase`. Its key: `options.apiKey`, else `SAGE_API_KEY`, else (for
   * a loopback gateway) the local admin token in the state directory (docs/security.md).
   */
  createClient(
    apiBase: string,
    options?: { apiKey?: string | undefined; timeoutMs?: number | undefined },
  ): ManagementClient;
  /** Ask a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
  /** Run `handler` on `signal`; returns the function that stops listening. */
  onSignal(signal: NodeJS.Signals, handler: () => void): Unsubscribe;
}

async function askYesNo(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
}

/** The context of the real process. */
export function processContext(options: { version: string; binPath: string }): CliContext {
  return {
    version: options.version,
    binPath: options.binPath,
    env: process.env,
    cwd: process.cwd(),
    terminal: processTerminal(),
    stdinIsTTY: process.stdin.isTTY === true,
    stdin: process.stdin,
    createClient: (apiBase, options = {}) =>
      createManagementClient({
        controlPlaneUrl: apiBase,
        timeoutMs: options.timeoutMs ?? CLI_DEFAULTS.requestTimeoutMs,
        healthTimeoutMs: options.timeoutMs ?? CLI_DEFAULTS.healthTimeoutMs,
        apiKey: managementKey(
          apiBase,
          options.apiKey || process.env[CLI_ENV.apiKey],
          gatewayPaths(process.env).stateDirectory,
        ),
      }),
    confirm: askYesNo,
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

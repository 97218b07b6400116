import { type Command, Option } from 'commander';
import { findGateway } from '../api/find-gateway.js';
import type { ManagementClient } from '../api/management-types.js';
import type { CliContext } from '../context.js';
import { CLI_DEFAULTS, CLI_ENV } from '../defaults.js';
import { PositiveIntegerFlag, parseFlag } from '../input/flags.js';
import { createOutput, OUTPUT_FORMATS, type Output, type OutputFormat } from '../output/print.js';
import { watch } from '../output/watch.js';

/** Options every gateway-facing command accepts. */
export interface GatewayFlags {
  apiBase?: string;
  json?: boolean;
  output?: OutputFormat;
}

/** Add `--api-base URL` (every command that talks to a gateway). */
export function withApiBase(command: Command): Command {
  return command.option(
    '--api-base <url>',
    `gateway API base (default: $${CLI_ENV.controlPlaneUrl}, else the gateway of $${CLI_ENV.home}, else ${CLI_DEFAULTS.apiBase})`,
  );
}

/** Add `--json` and `-o table|wide|json|yaml` (every command that prints state). */
export function withJson(command: Command): Command {
  return command
    .option('--json', 'print the REST API’s snake_case JSON instead of text (same as -o json)')
    .addOption(
      new Option('-o, --output <format>', 'output format: table (default), wide, json or yaml').choices(
        OUTPUT_FORMATS,
      ),
    );
}

/** The output of a command, honouring `--json` and `-o`. */
export function outputFor(context: CliContext, flags: { json?: boolean; output?: OutputFormat }): Output {
  return createOutput(context.terminal, { json: flags.json, format: flags.output });
}

/**
 * Run `work` with a management client for the gateway {@link findGateway} finds (`--api-base`,
 * `SAGE_CONTROL_PLANE_URL`, the pid file of `SAGE_HOME`, the default), closing it after.
 */
export async function withClient<T>(
  context: CliContext,
  flags: { apiBase?: string },
  work: (client: ManagementClient) => Promise<T>,
): Promise<T> {
  const client = context.createClient((await findGateway(flags.apiBase, context.env)).apiBase);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** A promise that resolves after `ms` (injected in tests as an instant one). */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `--watch` and `--interval` of list commands. */
export interface WatchFlags {
  watch?: boolean;
  interval?: string;
}

/** Add `-w, --watch` and `--interval <ms>` (list commands). */
export function withWatch(command: Command): Command {
  return command
    .option('-w, --watch', 'refresh until Ctrl-C (redraws on a terminal; one document per change otherwise)')
    .option(
      '--interval <ms>',
      `milliseconds between refreshes with --watch (default: ${CLI_DEFAULTS.watchIntervalMs})`,
    );
}

/**
 * Print once, or with `--watch` every `--interval` ms while the rendering changes, until Ctrl-C.
 */
export async function printOrWatch(
  context: CliContext,
  output: Output,
  flags: WatchFlags,
  once: (output: Output) => Promise<void>,
  sleep: Sleep = realSleep,
): Promise<void> {
  if (flags.watch !== true) return once(output);
  const intervalMs =
    flags.interval === undefined
      ? CLI_DEFAULTS.watchIntervalMs
      : parseFlag('--interval', PositiveIntegerFlag, flags.interval);
  await watch(context, output, once, { intervalMs, sleep });
}

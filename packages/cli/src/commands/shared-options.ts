import type { Command } from 'commander';
import { findGateway } from '../api/find-gateway.js';
import type { ManagementClient } from '../api/management-types.js';
import type { CliContext } from '../context.js';
import { CLI_DEFAULTS, CLI_ENV } from '../defaults.js';
import { createOutput, type Output } from '../output/print.js';

/** Options every gateway-facing command accepts. */
export interface GatewayFlags {
  apiBase?: string;
  json?: boolean;
}

/** Add `--api-base URL` (every command that talks to a gateway). */
export function withApiBase(command: Command): Command {
  return command.option(
    '--api-base <url>',
    `gateway API base (default: $${CLI_ENV.controlPlaneUrl}, else the gateway of $${CLI_ENV.home}, else ${CLI_DEFAULTS.apiBase})`,
  );
}

/** Add `--json` (every command that prints state). */
export function withJson(command: Command): Command {
  return command.option('--json', 'print the REST API’s snake_case JSON instead of text');
}

/** The output of a command, honouring `--json`. */
export function outputFor(context: CliContext, flags: { json?: boolean }): Output {
  return createOutput(context.terminal, { json: flags.json });
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

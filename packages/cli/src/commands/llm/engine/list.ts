import type { Command } from 'commander';
import type { EngineListWire, ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { engineTable } from '../../../output/tables.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm engine list`: the engine table, or `{ engines: [...] }` with `--json`. */
export async function listEngines(client: ManagementClient, output: Output): Promise<EngineListWire> {
  const body = await client.listEngines();
  output.result(body, () => engineTable(body.engines));
  return body;
}

export function registerEngineList(parent: Command, context: CliContext): void {
  const command = parent.command('list').alias('ls').description('list engines');
  withJson(withApiBase(command)).action(async (flags: GatewayFlags) => {
    await withClient(context, flags, (client) => listEngines(client, outputFor(context, flags)));
  });
}

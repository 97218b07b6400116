import type { EngineListWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { engineTable } from '../../../output/tables.js';
import {
  type GatewayFlags,
  outputFor,
  printOrWatch,
  type WatchFlags,
  withApiBase,
  withClient,
  withJson,
  withWatch,
} from '../../shared-options.js';

/** `sage llm engine list`: the engine table (`-o wide`: more columns), or `{ engines: [...] }` with `-o json|yaml`. */
export async function listEngines(client: ManagementClient, output: Output): Promise<EngineListWire> {
  const body = await client.listEngines();
  output.result(body, () => engineTable(body.engines, { wide: output.wide }));
  return body;
}

export function registerEngineList(parent: Command, context: CliContext): void {
  const command = parent.command('list').alias('ls').description('list engines');
  withWatch(withJson(withApiBase(command))).action(async (flags: GatewayFlags & WatchFlags) => {
    await withClient(context, flags, (client) =>
      printOrWatch(context, outputFor(context, flags), flags, async (output) => {
        await listEngines(client, output);
      }),
    );
  });
}

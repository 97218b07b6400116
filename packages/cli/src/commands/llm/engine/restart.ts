import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { EngineIdArgument, parseFlag } from '../../../input/flags.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm engine restart ID`: restart an engine (same id and port). */
export async function restartEngine(
  client: ManagementClient,
  output: Output,
  engineId: string,
): Promise<unknown> {
  const body = await client.restartEngine(engineId);
  output.result(body ?? { engine_id: engineId }, () => `restarting ${engineId}`);
  return body;
}

export function registerEngineRestart(parent: Command, context: CliContext): void {
  const command = parent
    .command('restart')
    .description('restart an engine (it keeps its id and port)')
    .argument('<id>', 'engine id (see `sage llm engine list`)');
  withJson(withApiBase(command)).action(async (id: string, flags: GatewayFlags) => {
    const engineId = parseFlag('ID', EngineIdArgument, id);
    await withClient(context, flags, (client) => restartEngine(client, outputFor(context, flags), engineId));
  });
}

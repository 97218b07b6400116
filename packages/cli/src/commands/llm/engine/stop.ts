import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { EngineIdArgument, parseFlag } from '../../../input/flags.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm engine stop ID [--drain]`: stop an engine (with `drain`, after its in-flight requests). */
export async function stopEngine(
  client: ManagementClient,
  output: Output,
  engineId: string,
  options: { drain: boolean },
): Promise<unknown> {
  const body = await client.stopEngine(engineId, options);
  output.result(body ?? { engine_id: engineId, status: 'STOPPED' }, () => `stopped ${engineId}`);
  return body;
}

export function registerEngineStop(parent: Command, context: CliContext): void {
  const command = parent
    .command('stop')
    .description('stop an engine and release its GPU and port')
    .argument('<id>', 'engine id (see `sage llm engine list`)')
    .option('--drain', 'let in-flight requests finish first (no new traffic meanwhile)');
  withJson(withApiBase(command)).action(async (id: string, flags: GatewayFlags & { drain?: boolean }) => {
    const engineId = parseFlag('ID', EngineIdArgument, id);
    await withClient(context, flags, (client) =>
      stopEngine(client, outputFor(context, flags), engineId, { drain: flags.drain === true }),
    );
  });
}

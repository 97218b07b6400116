import type { PruneWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm engine prune`: forget STOPPED and FAILED engines. */
export async function pruneEngines(client: ManagementClient, output: Output): Promise<PruneWire> {
  const body = await client.pruneEngines();
  output.result(body, () => {
    const removed = body.removed;
    if (typeof removed === 'number') return `removed ${removed} engine${removed === 1 ? '' : 's'}`;
    if (removed.length === 0) return 'nothing to prune';
    return `removed ${removed.length} engine${removed.length === 1 ? '' : 's'}: ${removed.join(', ')}`;
  });
  return body;
}

export function registerEnginePrune(parent: Command, context: CliContext): void {
  const command = parent.command('prune').description('forget STOPPED and FAILED engines');
  withJson(withApiBase(command)).action(async (flags: GatewayFlags) => {
    await withClient(context, flags, (client) => pruneEngines(client, outputFor(context, flags)));
  });
}

import { type CachedModelWire, formatBytes } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm model rm ID|REF`: delete a cached model (by its id, or the reference it was pulled by). */
export async function removeModel(
  client: ManagementClient,
  output: Output,
  idOrRef: string,
): Promise<CachedModelWire> {
  let id = idOrRef;
  if (!/^[a-f0-9]{16}$/.test(idOrRef)) {
    const { models } = await client.listCachedModels();
    const wanted =
      idOrRef.includes('#') || /^https?:/.test(idOrRef)
        ? idOrRef
        : `${idOrRef.startsWith('hf:') ? '' : 'hf:'}${idOrRef}#main`;
    id = models.find((model) => model.ref === idOrRef || model.ref === wanted)?.id ?? idOrRef;
  }
  const { removed } = await client.removeCachedModel(id);
  output.result({ removed }, () => `removed ${removed.ref} (${formatBytes(removed.size_bytes)} freed)`);
  return removed;
}

export function registerModelRemove(parent: Command, context: CliContext): void {
  const command = parent
    .command('rm')
    .alias('remove')
    .description('delete a cached model file')
    .argument('<id>', 'cache id (see `sage llm model list`) or the reference it was pulled by');
  withJson(withApiBase(command)).action(async (id: string, flags: GatewayFlags) => {
    await withClient(context, flags, (client) => removeModel(client, outputFor(context, flags), id));
  });
}

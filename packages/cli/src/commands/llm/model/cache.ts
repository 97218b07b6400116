import { formatBytes } from '@sage/protocol';
import type { Command } from 'commander';
import type { CachedModelListWire, ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { type Output, renderTable } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm model cache`: what is cached (id, reference, size, verified, last used), or `{ models }` with `--json`. */
export async function listCachedModels(
  client: ManagementClient,
  output: Output,
): Promise<CachedModelListWire> {
  const body = await client.listCachedModels();
  output.result(body, () =>
    body.models.length === 0
      ? 'no cached models (sage llm model pull <ref> adds one)'
      : renderTable(
          [
            { header: 'id' },
            { header: 'ref' },
            { header: 'size', align: 'right' },
            { header: 'sha256' },
            { header: 'last used' },
            ...(output.wide ? [{ header: 'path' }, { header: 'source' }] : []),
          ],
          body.models.map((model) => [
            model.id,
            model.ref,
            formatBytes(model.size_bytes),
            `${model.sha256.slice(0, 12)}${model.verified ? '' : ' (unverified)'}`,
            model.last_used_at,
            ...(output.wide ? [model.path, model.source_url] : []),
          ]),
        ),
  );
  return body;
}

export function registerModelCache(parent: Command, context: CliContext): void {
  const command = parent
    .command('cache')
    .alias('cached')
    .description('list the model cache (pulled files): size, source, last use');
  withJson(withApiBase(command)).action(async (flags: GatewayFlags) => {
    await withClient(context, flags, (client) => listCachedModels(client, outputFor(context, flags)));
  });
}

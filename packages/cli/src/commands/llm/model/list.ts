import type { Command } from 'commander';
import type { CatalogListWire, ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { catalogTable } from '../../../output/tables.js';
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
import { listCachedModels } from './cache.js';

/** `sage llm model list`: the catalog models and their state (`-o json|yaml`: `{ models: [...] }`). */
export async function listCatalogModels(client: ManagementClient, output: Output): Promise<CatalogListWire> {
  const body = await client.listCatalog();
  output.result(body, () => catalogTable(body.models, { wide: output.wide }));
  return body;
}

/** `sage llm model list [--cached]`: the catalog, or with `--cached` the pulled model files. */
export async function listModels(
  client: ManagementClient,
  output: Output,
  options: { cached?: boolean } = {},
): Promise<void> {
  if (options.cached) await listCachedModels(client, output);
  else await listCatalogModels(client, output);
}

export function registerModelList(parent: Command, context: CliContext): void {
  const command = parent
    .command('list')
    .alias('ls')
    .description(
      'list the catalog models (sage.yaml models:) with their state: loaded, loading, unloaded, failed; --cached: the pulled model files instead',
    )
    .option('--cached', 'list the model cache (pulled files: size, source, last use), as `model cache` does');
  withWatch(withJson(withApiBase(command))).action(
    async (flags: GatewayFlags & WatchFlags & { cached?: boolean }) => {
      await withClient(context, flags, (client) =>
        printOrWatch(context, outputFor(context, flags), flags, async (output) => {
          await listModels(client, output, { cached: flags.cached });
        }),
      );
    },
  );
}

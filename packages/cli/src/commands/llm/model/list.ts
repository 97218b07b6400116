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

/** `sage llm model list`: the catalog models and their state (`-o json|yaml`: `{ models: [...] }`). */
export async function listCatalogModels(client: ManagementClient, output: Output): Promise<CatalogListWire> {
  const body = await client.listCatalog();
  output.result(body, () => catalogTable(body.models, { wide: output.wide }));
  return body;
}

export function registerModelList(parent: Command, context: CliContext): void {
  const command = parent
    .command('list')
    .alias('ls')
    .description(
      'list the catalog models (sage.yaml models:) with their state: loaded, loading, unloaded, failed',
    );
  withWatch(withJson(withApiBase(command))).action(async (flags: GatewayFlags & WatchFlags) => {
    await withClient(context, flags, (client) =>
      printOrWatch(context, outputFor(context, flags), flags, async (output) => {
        await listCatalogModels(client, output);
      }),
    );
  });
}

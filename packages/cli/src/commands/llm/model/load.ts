import type { CatalogModelStatusWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

/** `sage llm model load NAME`: start one engine of a catalog model and wait until it is RUNNING. */
export async function loadCatalogModel(
  client: ManagementClient,
  output: Output,
  name: string,
): Promise<CatalogModelStatusWire> {
  const body = await client.loadModel(name);
  output.result(body, () => `${body.name}: ${body.state} (${body.engine_ids.join(', ') || 'no engine'})`);
  return body;
}

/** `sage llm model unload NAME`: drain and stop every engine of a catalog model. */
export async function unloadCatalogModel(
  client: ManagementClient,
  output: Output,
  name: string,
): Promise<CatalogModelStatusWire> {
  const body = await client.unloadModel(name);
  output.result(body, () => `${body.name}: ${body.state}`);
  return body;
}

export function registerModelLoad(parent: Command, context: CliContext): void {
  const load = parent
    .command('load')
    .description('load a catalog model now (one engine) and wait until it is RUNNING')
    .argument('<name>', 'catalog model name or alias (see `sage llm model list`)');
  withJson(withApiBase(load)).action(async (name: string, flags: GatewayFlags) => {
    await withClient(context, flags, (client) => loadCatalogModel(client, outputFor(context, flags), name));
  });
  const unload = parent
    .command('unload')
    .description('drain and stop every engine of a catalog model (in-flight requests finish first)')
    .argument('<name>', 'catalog model name or alias');
  withJson(withApiBase(unload)).action(async (name: string, flags: GatewayFlags) => {
    await withClient(context, flags, (client) => unloadCatalogModel(client, outputFor(context, flags), name));
  });
}

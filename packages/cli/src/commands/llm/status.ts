import type { ClusterStatusWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../api/management-types.js';
import type { CliContext } from '../../context.js';
import { type Output, renderFields } from '../../output/print.js';
import { engineTable } from '../../output/tables.js';
import {
  type GatewayFlags,
  outputFor,
  printOrWatch,
  type WatchFlags,
  withApiBase,
  withClient,
  withJson,
  withWatch,
} from '../shared-options.js';

function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The human summary of `GET /v1/management/status`. */
function renderStatus(apiBase: string, status: ClusterStatusWire, options: { wide?: boolean } = {}): string {
  const mockGpus = status.gpus.some((gpu) => gpu.mock);
  const fields: Array<[string, string]> = [
    ['gateway', `${apiBase} (up)`],
    ['policy', status.scheduling_policy ?? '-'],
    ['queue', status.queue ? `${status.queue.depth}/${status.queue.capacity}` : '-'],
    ['engines', countsText(status.engine_counts)],
    [
      'gpus',
      status.gpus.length === 0 ? 'none (CPU only)' : `${status.gpus.length}${mockGpus ? ' (mock)' : ''}`,
    ],
  ];
  const table = status.engines.length === 0 ? '' : `\n\n${engineTable(status.engines, options)}`;
  return `${renderFields(fields)}${table}`;
}

/** `sage llm status`: gateway, policy, queue and an engines summary. */
export async function showStatus(client: ManagementClient, output: Output): Promise<ClusterStatusWire> {
  const status = await client.status();
  output.result(status, () => renderStatus(client.apiBase, status, { wide: output.wide }));
  return status;
}

export function registerStatus(llm: Command, context: CliContext): void {
  const command = llm.command('status').description('gateway, scheduling policy, queue and engines');
  withWatch(withJson(withApiBase(command))).action(async (flags: GatewayFlags & WatchFlags) => {
    await withClient(context, flags, (client) =>
      printOrWatch(context, outputFor(context, flags), flags, async (output) => {
        await showStatus(client, output);
      }),
    );
  });
}

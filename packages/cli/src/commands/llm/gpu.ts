import { ENV, type GpuListWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../api/management-types.js';
import type { CliContext } from '../../context.js';
import type { Output } from '../../output/print.js';
import { gpuTable } from '../../output/tables.js';
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

/** `sage llm gpu`: one row per GPU with its memory, utilisation and engines. */
export async function showGpus(client: ManagementClient, output: Output): Promise<GpuListWire> {
  const body = await client.gpus();
  output.result(body, () => {
    if (body.gpus.length === 0) {
      return body.mock
        ? `no GPUs (nvidia-smi is missing or ${ENV.disableNvml} is set, and ${ENV.gpuMockCount} is 0): engines run on CPU`
        : 'no GPUs found: engines run on CPU';
    }
    const note = body.mock ? `\n(mock GPUs: ${ENV.disableNvml} is set or nvidia-smi is missing)` : '';
    return `${gpuTable(body.gpus, { wide: output.wide })}${note}`;
  });
  return body;
}

export function registerGpu(llm: Command, context: CliContext): void {
  const command = llm.command('gpu').description('GPUs: memory used/reserved/total, utilisation, engines');
  withWatch(withJson(withApiBase(command))).action(async (flags: GatewayFlags & WatchFlags) => {
    await withClient(context, flags, (client) =>
      printOrWatch(context, outputFor(context, flags), flags, async (output) => {
        await showGpus(client, output);
      }),
    );
  });
}

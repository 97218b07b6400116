import {
  type CachedModelWire,
  formatBytes,
  type ModelPullEventWire,
  type ModelPullRequestWire,
} from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { CliExitError } from '../../../errors.js';
import { EXIT_CODES } from '../../../exit-codes.js';
import { renderDownloadBar } from '../../../output/download-bar.js';
import type { Output } from '../../../output/print.js';
import { createProgress } from '../../../output/progress.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

export interface ModelPullFlags extends GatewayFlags {
  quant?: string;
  revision?: string;
  sha256?: string;
}

/**
 * `sage llm model pull REF`: pull a model into the gateway's model cache with a progress bar
 * (size, rate, ETA), or, with `--json`, one JSON event a line (`resolved`, `progress`,
 * `verifying`, `done` / `error`) as the API streams them. Returns the cache entry.
 */
export async function pullModel(
  client: ManagementClient,
  output: Output,
  request: ModelPullRequestWire,
): Promise<CachedModelWire> {
  const progress = output.json ? undefined : createProgress(output);
  let model: CachedModelWire | undefined;
  let lastLine = '';
  const show = (event: ModelPullEventWire) => {
    if (output.json) {
      output.terminal.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.type === 'resolved') {
      const size = event.total_bytes === null ? 'size unknown' : formatBytes(event.total_bytes);
      output.note(`${event.cached ? 'cached' : 'pulling'} ${event.ref} (${event.file_name}, ${size})`);
    } else if (event.type === 'progress') {
      // On a terminal the bar is redrawn in place; elsewhere one line per tenth of the file.
      const line = renderDownloadBar(event);
      const tenth = event.total_bytes ? Math.floor((event.downloaded_bytes / event.total_bytes) * 10) : null;
      const key = output.interactive ? line : String(tenth);
      if (key !== lastLine) progress?.update(line);
      lastLine = key;
    } else if (event.type === 'verifying') {
      progress?.update(`verifying the SHA-256 of ${event.ref}`);
    }
  };
  for await (const event of client.pullModel(request)) {
    show(event);
    if (event.type === 'done') model = event.model;
    if (event.type === 'error') {
      progress?.done(`failed: ${event.error.message}`);
      throw new CliExitError(EXIT_CODES.failed, event.error.message);
    }
  }
  if (!model) throw new CliExitError(EXIT_CODES.failed, 'the gateway ended the pull without a result');
  const found = model;
  progress?.done(
    `${found.ref}: ${formatBytes(found.size_bytes)}, sha256 ${found.sha256.slice(0, 12)}… ${found.verified ? 'verified' : 'not verified (the source publishes no hash; pass --sha256)'} → ${found.path}`,
  );
  return found;
}

export function registerModelPull(parent: Command, context: CliContext): void {
  const command = parent
    .command('pull')
    .description(
      'download a model file into the model cache (hf:owner/repo/file.gguf, owner/repo --quant Q4_K_M, an https:// URL)',
    )
    .argument(
      '<ref>',
      'hf:owner/repo/file.gguf, hf:owner/repo:Q4_K_M, owner/repo (with --quant) or an https:// URL',
    )
    .option('--quant <name>', 'quantisation to choose among the repository’s .gguf files, e.g. Q4_K_M')
    .option('--revision <rev>', 'branch, tag or commit (default: main)')
    .option('--sha256 <hex>', 'expected SHA-256, for a URL whose server publishes none');
  withJson(withApiBase(command)).action(async (ref: string, flags: ModelPullFlags) => {
    await withClient(context, flags, (client) =>
      pullModel(client, outputFor(context, flags), {
        ref,
        ...(flags.quant ? { quant: flags.quant } : {}),
        ...(flags.revision ? { revision: flags.revision } : {}),
        ...(flags.sha256 ? { sha256: flags.sha256 } : {}),
      }),
    );
  });
}

import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { CLI_DEFAULTS } from '../../../defaults.js';
import { EngineIdArgument, LineCountFlag, parseFlag } from '../../../input/flags.js';
import type { Output } from '../../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withClient, withJson } from '../../shared-options.js';

export interface EngineLogsOptions {
  lines: number;
  follow: boolean;
  signal?: AbortSignal;
}

/**
 * `sage llm engine logs ID [-f] [-n N]`: the last N lines of the engine's own output; with
 * `follow`, then every new line until interrupted. `--json`: the REST body, or one
 * `{"line": …}` object per line when following.
 */
export async function showEngineLogs(
  client: ManagementClient,
  output: Output,
  engineId: string,
  options: EngineLogsOptions,
): Promise<void> {
  if (!options.follow) {
    const body = await client.engineLogs(engineId, { tail: options.lines });
    output.result(body, () => body.lines.join('\n'));
    return;
  }
  const lines = client.followEngineLogs(engineId, { tail: options.lines, signal: options.signal });
  for await (const line of lines) {
    output.raw(output.json ? `${JSON.stringify({ line })}\n` : `${line}\n`);
  }
}

export function registerEngineLogs(parent: Command, context: CliContext): void {
  const command = parent
    .command('logs')
    .description("print an engine's own output (stdout and stderr)")
    .argument('<id>', 'engine id (see `sage llm engine list`)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', `lines from the end (default: ${CLI_DEFAULTS.logTailLines})`);
  withJson(withApiBase(command)).action(
    async (id: string, flags: GatewayFlags & { follow?: boolean; lines?: string }) => {
      const engineId = parseFlag('ID', EngineIdArgument, id);
      const lines =
        flags.lines === undefined
          ? CLI_DEFAULTS.logTailLines
          : parseFlag('--lines', LineCountFlag, flags.lines);
      await withClient(context, flags, (client) =>
        showEngineLogs(client, outputFor(context, flags), engineId, { lines, follow: flags.follow === true }),
      );
    },
  );
}

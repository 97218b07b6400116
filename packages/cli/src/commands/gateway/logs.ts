import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { CLI_DEFAULTS } from '../../defaults.js';
import { followFile, readLastLines } from '../../gateway/log-file.js';
import { readPidFile } from '../../gateway/pid-file.js';
import { prettyLogLine } from '../../gateway/pretty-logs.js';
import { gatewayPaths } from '../../gateway/state-directory.js';
import { LineCountFlag, parseFlag } from '../../input/flags.js';
import type { Output } from '../../output/print.js';
import { outputFor, realSleep, type Sleep, withJson } from '../shared-options.js';

export interface GatewayLogsOptions {
  lines: number;
  follow: boolean;
  signal?: AbortSignal;
  sleep?: Sleep;
}

/**
 * `sage gateway logs [-f] [-n N]`: the background gateway's log (`gateway.log` in the state
 * directory); with `follow`, new lines until interrupted. The gateway writes pino JSON there:
 * it is printed as readable lines (coloured at a terminal), like `sage gateway start` in the
 * foreground; `--json` keeps the lines raw (one `{"line": …}` per line with `follow`).
 */
async function showGatewayLogs(
  context: CliContext,
  output: Output,
  options: GatewayLogsOptions,
): Promise<void> {
  const paths = gatewayPaths(context.env);
  const logFile = (await readPidFile(paths.pidFile))?.logPath ?? paths.logFile;
  const lines = await readLastLines(logFile, options.lines);
  const pretty = output.json
    ? (line: string) => line
    : await prettyLogLine({ colorize: context.terminal.isTTY });
  if (!options.follow) {
    output.result({ log_path: logFile, lines }, () =>
      lines.length === 0 ? `(${logFile} is empty or missing)` : lines.map(pretty).join('\n'),
    );
    return;
  }
  const print = (line: string) =>
    output.raw(output.json ? `${JSON.stringify({ line })}\n` : `${pretty(line)}\n`);
  for (const line of lines) print(line);
  const follow = followFile(logFile, {
    signal: options.signal,
    intervalMs: CLI_DEFAULTS.pollIntervalMs * 2,
    sleep: options.sleep ?? realSleep,
  });
  for await (const line of follow) print(line);
}

export function registerGatewayLogs(gateway: Command, context: CliContext): void {
  const command = gateway
    .command('logs')
    .description("print the background gateway's log")
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', `lines from the end (default: ${CLI_DEFAULTS.logTailLines})`);
  withJson(command).action(async (flags: { follow?: boolean; lines?: string; json?: boolean }) => {
    const lines =
      flags.lines === undefined
        ? CLI_DEFAULTS.logTailLines
        : parseFlag('--lines', LineCountFlag, flags.lines);
    await showGatewayLogs(context, outputFor(context, flags), { lines, follow: flags.follow === true });
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { realSleep, type Sleep } from '../commands/shared-options.js';
import type { CliContext } from '../context.js';
import { CLI_DEFAULTS } from '../defaults.js';
import { CliExitError } from '../errors.js';
import { EXIT_CODES } from '../exit-codes.js';
import type { Output } from '../output/print.js';
import { readLastLines } from './log-file.js';
import { type GatewayPidRecord, readLiveGateway, readPidFile } from './pid-file.js';
import { gatewayPaths } from './state-directory.js';
import { waitUntil } from './wait-until.js';

export interface BackgroundGatewayOptions {
  /** `sage` arguments of the foreground gateway (`gateway start --foreground …`). */
  args: string[];
  timeoutMs?: number;
  sleep?: Sleep;
}

type StartOutcome = { record: GatewayPidRecord } | { exitCode: number | null; signal: string | null };

async function printLogTail(output: Output, logFile: string): Promise<void> {
  const lines = await readLastLines(logFile, CLI_DEFAULTS.failedLogTailLines);
  if (lines.length === 0) return;
  output.warn(`last ${lines.length} lines of ${logFile}:`);
  output.warn(lines.map((line) => `  ${line}`).join('\n'));
}

/** Whether `/health` answers 200 at `apiBase`. */
async function isHealthy(context: CliContext, apiBase: string): Promise<boolean> {
  const client = context.createClient(apiBase);
  try {
    await client.health();
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

/**
 * Start a gateway in the background: `node <sage bin> gateway start --foreground …`, detached,
 * its output appended to `gateway.log` in the state directory. Returns the pid file's record once
 * that process has written it and `/health` answers. A process that exits first, or a timeout,
 * prints the log tail and throws (exit code 1).
 */
export async function startBackgroundGateway(
  context: CliContext,
  output: Output,
  options: BackgroundGatewayOptions,
): Promise<GatewayPidRecord> {
  const paths = gatewayPaths(context.env);
  await mkdir(paths.stateDirectory, { recursive: true });
  const running = await readLiveGateway(paths.pidFile);
  if (running !== null) {
    throw new CliExitError(
      EXIT_CODES.failed,
      `a gateway is already running (pid ${running.pid}, ${running.url}); \`sage gateway stop\` first`,
    );
  }
  await appendFile(paths.logFile, `--- sage gateway start, ${new Date().toISOString()} ---\n`);
  const log = await open(paths.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [context.binPath, ...options.args, '--log-path', paths.logFile], {
      cwd: context.cwd,
      env: context.env,
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
    });
  } finally {
    await log.close();
  }
  let exited: { exitCode: number | null; signal: string | null } | undefined;
  child.once('exit', (exitCode, signal) => {
    exited = { exitCode, signal };
  });
  child.once('error', () => {
    exited = { exitCode: null, signal: null };
  });
  const outcome = await waitUntil<StartOutcome>(
    async () => {
      if (exited !== undefined) return exited;
      const record = await readPidFile(paths.pidFile);
      if (record === null || record.pid !== child.pid) return undefined;
      return (await isHealthy(context, record.url)) ? { record } : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? CLI_DEFAULTS.gatewayStartTimeoutMs,
      intervalMs: CLI_DEFAULTS.pollIntervalMs,
      sleep: options.sleep ?? realSleep,
    },
  );
  if (outcome !== undefined && 'record' in outcome) {
    child.unref();
    return outcome.record;
  }
  if (outcome === undefined) child.kill('SIGTERM');
  await printLogTail(output, paths.logFile);
  const why =
    outcome === undefined
      ? `did not answer /health within ${(options.timeoutMs ?? CLI_DEFAULTS.gatewayStartTimeoutMs) / 1000} s`
      : `exited (${outcome.signal ?? `code ${outcome.exitCode}`})`;
  throw new CliExitError(EXIT_CODES.failed, `the gateway ${why}; see ${paths.logFile}`);
}

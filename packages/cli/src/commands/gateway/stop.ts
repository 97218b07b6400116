import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { CLI_DEFAULTS } from '../../defaults.js';
import { CliExitError } from '../../errors.js';
import { EXIT_CODES } from '../../exit-codes.js';
import { KEEP_ENGINES_SIGNAL, STOP_SIGNAL } from '../../gateway/foreground-gateway.js';
import { isProcessAlive, readLiveGateway, removePidFile } from '../../gateway/pid-file.js';
import { gatewayPaths } from '../../gateway/state-directory.js';
import { waitUntil } from '../../gateway/wait-until.js';
import type { Output } from '../../output/print.js';
import { outputFor, realSleep, type Sleep, withJson } from '../shared-options.js';

export interface StopGatewayOptions {
  keepEngines: boolean;
  timeoutMs?: number;
  sleep?: Sleep;
  /** Send a signal (injected in tests). */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  isAlive?: (pid: number) => boolean;
}

/**
 * `sage gateway stop [--keep-engines]`: signal the gateway recorded in the pid file — SIGTERM
 * (it stops its engines, then exits) or, with `--keep-engines`, SIGUSR2 (it exits and leaves
 * its engines running; the next gateway adopts them) — and wait until it has exited.
 * Nothing running is not an error.
 */
export async function stopGateway(
  context: CliContext,
  output: Output,
  options: StopGatewayOptions,
): Promise<{ stopped: boolean; pid: number | null }> {
  const { pidFile } = gatewayPaths(context.env);
  const record = await readLiveGateway(pidFile);
  if (record === null) {
    output.result({ stopped: false, running: false, pid: null }, () => 'no gateway is running');
    return { stopped: false, pid: null };
  }
  const kill = options.kill ?? ((pid, signal) => process.kill(pid, signal));
  const isAlive = options.isAlive ?? isProcessAlive;
  const signal = options.keepEngines ? KEEP_ENGINES_SIGNAL : STOP_SIGNAL;
  output.note(
    options.keepEngines
      ? `stopping the gateway (pid ${record.pid}); engines keep running…`
      : `stopping the gateway (pid ${record.pid}) and its engines…`,
  );
  kill(record.pid, signal);
  const timeoutMs = options.timeoutMs ?? CLI_DEFAULTS.gatewayStopTimeoutMs;
  const exited = await waitUntil(() => (isAlive(record.pid) ? undefined : true), {
    timeoutMs,
    intervalMs: CLI_DEFAULTS.pollIntervalMs,
    sleep: options.sleep ?? realSleep,
  });
  if (exited === undefined) {
    throw new CliExitError(
      EXIT_CODES.failed,
      `the gateway (pid ${record.pid}) is still running after ${timeoutMs / 1000} s; \`kill ${record.pid}\` again or \`kill -9 ${record.pid}\``,
    );
  }
  await removePidFile(pidFile, record.pid);
  output.result(
    { stopped: true, running: false, pid: record.pid, engines_stopped: !options.keepEngines },
    () => (options.keepEngines ? 'gateway stopped; engines still running' : 'gateway and engines stopped'),
  );
  return { stopped: true, pid: record.pid };
}

export function registerGatewayStop(gateway: Command, context: CliContext): void {
  const command = gateway
    .command('stop')
    .description('stop the gateway started by `sage gateway start` (and its engines)')
    .option('--keep-engines', 'leave the engines running (the next gateway adopts them)');
  withJson(command).action(async (flags: { keepEngines?: boolean; json?: boolean }) => {
    await stopGateway(context, outputFor(context, flags), { keepEngines: flags.keepEngines === true });
  });
}

import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { CLI_DEFAULTS } from '../../defaults.js';
import { startBackgroundGateway } from '../../gateway/background-gateway.js';
import { foregroundArgs, parseGatewayLaunch } from '../../gateway/gateway-launch.js';
import { readLiveGateway } from '../../gateway/pid-file.js';
import { gatewayPaths } from '../../gateway/state-directory.js';
import type { Output } from '../../output/print.js';
import { outputFor, withJson } from '../shared-options.js';
import { reportStarted } from './start.js';
import { stopGateway } from './stop.js';

/**
 * `sage gateway restart [--keep-engines]`: stop the running gateway and start it again in the
 * background with the same options (host, port, policy, config, preset). Nothing running:
 * start one with the defaults.
 */
async function restartGateway(
  context: CliContext,
  output: Output,
  options: { keepEngines: boolean },
): Promise<void> {
  const record = await readLiveGateway(gatewayPaths(context.env).pidFile);
  const args =
    record !== null && record.args.length > 0
      ? record.args
      : foregroundArgs(parseGatewayLaunch({}, context.env, context.cwd));
  if (record !== null) {
    // Progress only: the restarted gateway is the result.
    await stopGateway(context, { ...output, result: () => {} }, { keepEngines: options.keepEngines });
  }
  output.note('starting the gateway…');
  const withPreset = args.includes('--preset') || args.includes('--preset-file');
  const timeoutMs = withPreset
    ? CLI_DEFAULTS.gatewayPresetStartTimeoutMs
    : CLI_DEFAULTS.gatewayStartTimeoutMs;
  reportStarted(output, await startBackgroundGateway(context, output, { args, timeoutMs }));
}

export function registerGatewayRestart(gateway: Command, context: CliContext): void {
  const command = gateway
    .command('restart')
    .description('stop the gateway and start it again with the same options')
    .option('--keep-engines', 'leave the engines running across the restart (the new gateway adopts them)');
  withJson(command).action(async (flags: { keepEngines?: boolean; json?: boolean }) => {
    await restartGateway(context, outputFor(context, flags), { keepEngines: flags.keepEngines === true });
  });
}

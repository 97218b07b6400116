import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerGatewayLogs } from './logs.js';
import { registerGatewayRestart } from './restart.js';
import { registerGatewayStart } from './start.js';
import { registerGatewayStatus } from './status.js';
import { registerGatewayStop } from './stop.js';

/** `sage gateway …`. */
export function registerGatewayCommands(program: Command, context: CliContext): void {
  const gateway = program.command('gateway').description('start, stop and inspect the gateway');
  registerGatewayStart(gateway, context);
  registerGatewayStop(gateway, context);
  registerGatewayStatus(gateway, context);
  registerGatewayLogs(gateway, context);
  registerGatewayRestart(gateway, context);
}

import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveStateDir } from '@sage/protocol';
import { CLI_DEFAULTS } from '../defaults.js';

/** Files of the gateway that `sage gateway …` manages, in the state directory. */
export interface GatewayPaths {
  /** `SAGE_HOME`, else `~/.sage`. */
  stateDirectory: string;
  /** `gateway.pid`: JSON `{ pid, host, port, url, startedAt, args, logPath }`. */
  pidFile: string;
  /** `gateway.log`: what a background gateway prints. */
  logFile: string;
}

export function gatewayPaths(env: NodeJS.ProcessEnv): GatewayPaths {
  const stateDirectory = resolveStateDir(env, homedir());
  return {
    stateDirectory,
    pidFile: join(stateDirectory, CLI_DEFAULTS.pidFileName),
    logFile: join(stateDirectory, CLI_DEFAULTS.logFileName),
  };
}

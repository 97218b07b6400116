import { homedir } from 'node:os';
import { join } from 'node:path';
import { ENV } from '@sage/protocol';

/** `SAGE_HOME`, else `~/.sage`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV.home] || join(homedir(), '.sage');
}

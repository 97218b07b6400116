import { homedir } from 'node:os';
import { resolveStateDir } from '@sage/protocol';

/** `SAGE_HOME`, else `~/.sage` ({@link resolveStateDir}). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolveStateDir(env, homedir());
}

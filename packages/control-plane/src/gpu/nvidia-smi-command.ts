import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

/** nvidia-smi can hang when the driver is wedged; never wait longer than this. */
const NVIDIA_SMI_TIMEOUT_MS = 15_000;

/** Run `nvidia-smi` with an argv array (no shell) and return its stdout. */
export async function runNvidiaSmi(args: string[]): Promise<string> {
  const { stdout } = await execa('nvidia-smi', args, { timeout: NVIDIA_SMI_TIMEOUT_MS });
  return stdout;
}

/** Whether an executable `nvidia-smi` is on `PATH`. */
export function isNvidiaSmiOnPath(env: NodeJS.ProcessEnv): boolean {
  const directories = (env.PATH ?? '').split(delimiter).filter((directory) => directory.length > 0);
  return directories.some((directory) => {
    try {
      accessSync(join(directory, 'nvidia-smi'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether an error from running nvidia-smi means the program does not exist. */
export function isProgramMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

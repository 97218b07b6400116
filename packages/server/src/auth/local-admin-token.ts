import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_ADMIN_TOKEN_FILE, LOCAL_ADMIN_TOKEN_PREFIX } from '@sage/protocol';
import type { Logger } from 'pino';

const TOKEN = new RegExp(`^${LOCAL_ADMIN_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

/** The path of the local admin token in a state directory. */
export function localAdminTokenPath(stateDir: string): string {
  return join(stateDir, LOCAL_ADMIN_TOKEN_FILE);
}

/** A new token: 32 random bytes, base64url, after the recognisable prefix. */
export function newLocalAdminToken(): string {
  return `${LOCAL_ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Why an existing token file cannot be trusted, or undefined: it must be a regular file (not a
 * link another user planted), owned by this user and readable by nobody else.
 */
async function untrusted(path: string): Promise<string | undefined> {
  const stats = await lstat(path);
  if (!stats.isFile()) return 'it is not a regular file';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `it belongs to uid ${stats.uid}`;
  if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
    return `its mode ${(stats.mode & 0o777).toString(8)} lets other users read it`;
  }
  return undefined;
}

/**
 * The gateway's local admin token (docs/security.md): read from `<stateDir>/admin-token`, or
 * created there (mode 0600, in a state directory created 0700) at the first start. A file that
 * another user could have read or planted is replaced by a new token, with a warning. The same
 * token survives gateway restarts; delete the file to rotate it.
 *
 * @example
 * const token = await ensureLocalAdminToken('/home/me/.sage');
 */
export async function ensureLocalAdminToken(stateDir: string, logger?: Logger): Promise<string> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = localAdminTokenPath(stateDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const problem = await untrusted(path);
      if (problem === undefined) {
        const token = (await readFile(path, 'utf8')).trim();
        if (TOKEN.test(token)) return token;
      }
      logger?.warn({ path, problem: problem ?? 'it does not hold a token' }, 'local admin token replaced');
      await rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const token = newLocalAdminToken();
    try {
      // 'wx': never follow or overwrite a file someone created in between.
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(`${token}\n`);
      } finally {
        await file.close();
      }
      logger?.info({ path }, 'local admin token created');
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`could not create the local admin token at ${path}`);
}

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_ADMIN_TOKEN_FILE, resolveStateDir } from '@sage/protocol';

/** Whether a control plane URL names a loopback host: the only ones the local token is sent to. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The local admin token of the gateway over `SAGE_HOME` (else `~/.sage`): `admin-token` in the
 * state directory (docs/security.md), or undefined when there is none.
 */
export async function readLocalAdminToken(
  environment: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const stateDir = resolveStateDir(environment, homedir());
  try {
    const token = (await readFile(join(stateDir, LOCAL_ADMIN_TOKEN_FILE), 'utf8')).trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

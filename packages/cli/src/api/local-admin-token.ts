import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ADMIN_TOKEN_FILE } from '@sage/protocol';

/**
 * The local admin token a gateway keeps in its state directory (`admin-token`, docs/security.md),
 * or undefined when there is none (no gateway started over this directory yet, or not readable).
 */
export function readLocalAdminToken(stateDirectory: string): string | undefined {
  try {
    const token = readFileSync(join(stateDirectory, LOCAL_ADMIN_TOKEN_FILE), 'utf8').trim();
    return token === '' ? undefined : token;
  } catch {
    return undefined;
  }
}

/** Whether an API base names a loopback host: the only gateways the local token is sent to. */
export function isLoopbackApiBase(apiBase: string): boolean {
  try {
    const host = new URL(apiBase).hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The key the CLI sends to a gateway's management routes: `SAGE_API_KEY` when set, else (for a
 * loopback gateway) the local admin token from `stateDirectory`, read when a request is made.
 */
export function managementKey(
  apiBase: string,
  apiKey: string | undefined,
  stateDirectory: string,
): string | (() => string | undefined) | undefined {
  if (apiKey) return apiKey;
  return isLoopbackApiBase(apiBase) ? () => readLocalAdminToken(stateDirectory) : undefined;
}

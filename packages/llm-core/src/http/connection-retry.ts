import { setTimeout as sleepFor } from 'node:timers/promises';

/**
 * Errors raised while connecting: the request cannot have been sent, let alone reached an
 * engine, so trying again is safe even for a POST. Anything else (a reset on an open socket, a
 * timeout after sending, an HTTP status) is never retried.
 */
const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The first `code` found on the error or its `cause` chain (`ECONNREFUSED`, `UND_ERR_SOCKET`, …). */
export function systemErrorCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      const nestedCode = systemErrorCode(nested[0]);
      if (nestedCode) return nestedCode;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function isConnectPhaseError(error: unknown): boolean {
  const code = systemErrorCode(error);
  return code !== null && CONNECT_PHASE_CODES.has(code);
}

export interface ConnectRetryOptions {
  /** Waits before each retry; its length is the number of retries. */
  delaysMs: readonly number[];
  /** Stops retrying (and waiting) once aborted. */
  signal?: AbortSignal;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/** Run `attempt`, retrying only connect-phase failures, with the given waits in between. */
export async function withConnectRetry<T>(
  attempt: () => Promise<T>,
  options: ConnectRetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  for (let retry = 0; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      const delay = options.delaysMs[retry];
      if (delay === undefined || !isConnectPhaseError(error) || options.signal?.aborted) throw error;
      try {
        await sleep(delay, options.signal);
      } catch {
        throw error;
      }
    }
  }
}

import type { Sleep } from '../commands/shared-options.js';

/**
 * Poll `check` until it returns a value other than undefined, or `timeoutMs` passes (then
 * undefined). Conditions, never fixed sleeps.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs: number; sleep: Sleep; now?: () => number },
): Promise<T | undefined> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (now() >= deadline) return undefined;
    await options.sleep(options.intervalMs);
  }
}

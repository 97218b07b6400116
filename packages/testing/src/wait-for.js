/**
 * Polling helpers for tests: wait on a condition, never on a fixed sleep. Both take a timeout in
 * ms (a number) or `{ timeoutMs, intervalMs, message }`; the defaults (20 s, 20 ms) suit a
 * loaded 2-core CI machine.
 */

/** @param {number | { timeoutMs?: number, intervalMs?: number, message?: string }} [options] */
function pollOptions(options) {
  const given = typeof options === 'number' ? { timeoutMs: options } : (options ?? {});
  return {
    timeoutMs: given.timeoutMs ?? 20_000,
    intervalMs: given.intervalMs ?? 20,
    message: given.message ?? 'condition not met',
  };
}

/**
 * Call `check` until it returns a value other than `undefined` (or `false`/`null`), and return
 * that value; throw `<message> within N ms` at the deadline. An error `check` throws propagates.
 *
 * @template T
 * @param {() => T | undefined | null | false | Promise<T | undefined | null | false>} check
 * @param {number | { timeoutMs?: number, intervalMs?: number, message?: string }} [options]
 * @returns {Promise<T>}
 */
export async function pollUntil(check, options) {
  const { timeoutMs, intervalMs, message } = pollOptions(options);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${message} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Wait until `check` holds.
 *
 * @param {() => boolean | Promise<boolean>} check
 * @param {number | { timeoutMs?: number, intervalMs?: number, message?: string }} [options]
 * @returns {Promise<void>}
 */
export async function waitFor(check, options) {
  await pollUntil(async () => (await check()) || undefined, options);
}

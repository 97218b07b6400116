/**
 * Poll `url` with GET until it answers a ready status, or throw at the deadline. A process that
 * is still starting may refuse the connection, reset it (a blocked event loop during a model
 * load closes kept-alive sockets late) or not answer in time: all of these are "not yet", never
 * fatal. Returns every HTTP status seen, in order (e.g. `[503, 503, 200]` through a model load).
 *
 * @param {string} url e.g. `http://127.0.0.1:8000/health`
 * @param {{ timeoutMs?: number, intervalMs?: number, requestTimeoutMs?: number,
 *   isReady?: (status: number) => boolean }} [options] `isReady` defaults to `status === 200`.
 * @returns {Promise<number[]>}
 */
export async function waitUntilHealthy(url, options = {}) {
  const { timeoutMs = 30_000, intervalMs = 25, requestTimeoutMs = 5_000 } = options;
  const isReady = options.isReady ?? ((status) => status === 200);
  const deadline = Date.now() + timeoutMs;
  const statuses = [];
  let last = 'no answer yet';
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
      await response.body?.cancel();
      statuses.push(response.status);
      if (isReady(response.status)) return statuses;
      last = `HTTP ${response.status}`;
    } catch (error) {
      if (!isNotYet(error)) throw error;
      last = describe(error);
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy within ${timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A refused, reset or closed connection (`fetch failed`) or a request timeout. */
function isNotYet(error) {
  if (!(error instanceof Error)) return false;
  return error.message === 'fetch failed' || error.name === 'TimeoutError' || error.name === 'AbortError';
}

function describe(error) {
  const cause = error.cause;
  return cause && typeof cause === 'object' && 'code' in cause
    ? `${error.message} (${cause.code})`
    : error.message;
}

/**
 * One AbortSignal per request that fires on the first of: the request's own timeout, the
 * caller's signal, or an explicit `abort()` (stream cancelled, client closed). It remembers
 * which of them fired, so errors can say "timeout" rather than "aborted".
 */
export type DeadlineCause = 'timeout' | 'caller' | 'cancelled';

export interface Deadline {
  readonly signal: AbortSignal;
  /** Which trigger fired, or null while the request is still allowed to run. */
  cause(): DeadlineCause | null;
  /** Restart the timeout (streams call it on every event: the timeout bounds the wait for the next one). */
  refresh(): void;
  /** Abort now (cancelled stream, closed client). */
  abort(reason?: unknown): void;
  /** Stop the timer and detach from the caller's signal. Call when the request is done. */
  clear(): void;
}

export function createDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  let fired: DeadlineCause | null = null;
  const fire = (cause: DeadlineCause, reason: unknown) => {
    if (fired !== null) return;
    fired = cause;
    controller.abort(reason);
  };
  const onTimeout = () =>
    fire('timeout', new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  const timer = Number.isFinite(timeoutMs) ? setTimeout(onTimeout, timeoutMs) : undefined;
  timer?.unref();
  const onCallerAbort = () => fire('caller', callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  return {
    signal: controller.signal,
    cause: () => fired,
    refresh: () => {
      if (fired === null) timer?.refresh();
    },
    abort: (reason) => fire('cancelled', reason ?? new DOMException('request cancelled', 'AbortError')),
    clear: () => {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

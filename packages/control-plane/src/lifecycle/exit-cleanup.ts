const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Make engines die with the process that embeds the control plane. On `exit`, and on SIGINT,
 * SIGTERM or SIGHUP when nothing else handles that signal, `stopAll` runs synchronously; the
 * signal is then raised again so the process ends as it would have. Returns an unregister
 * function.
 */
export function registerExitCleanup(stopAll: () => void): () => void {
  let done = false;
  const cleanup = () => {
    if (done) return;
    done = true;
    stopAll();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    // Someone else handles the signal (e.g. a graceful shutdown that calls close()): stay out.
    if (process.listenerCount(signal) > 1) return;
    cleanup();
    unregister();
    process.kill(process.pid, signal);
  };
  const unregister = () => {
    process.off('exit', cleanup);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', cleanup);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return unregister;
}

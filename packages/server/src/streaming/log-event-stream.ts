import type { Logger } from 'pino';

const encoder = new TextEncoder();

/** Options of {@link logEventStream}. */
export interface LogEventStreamOptions {
  /** Calls `onLines` with new log lines until `signal` aborts (the manager's `followEngineLogs`). */
  follow: (onLines: (lines: string[]) => void, signal: AbortSignal) => Promise<void>;
  /** Lines sent first (the current tail). */
  initialLines: readonly string[];
  /** An SSE comment is sent this often so idle connections stay open. */
  heartbeatMs: number;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Server-sent events of an engine's log: one `data: {"line": "…"}` event per line, the current
 * tail first, then each new line as it is written. Ends when the client disconnects.
 */
export function logEventStream(options: LogEventStreamOptions): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  let heartbeat: NodeJS.Timeout | undefined;
  const cleanup = () => {
    stop.abort();
    clearInterval(heartbeat);
    options.signal.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const enqueue = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const send = (line: string) => enqueue(`data: ${JSON.stringify({ line })}\n\n`);
      for (const line of options.initialLines) send(line);
      heartbeat = setInterval(() => enqueue(': keep-alive\n\n'), options.heartbeatMs);
      heartbeat.unref();
      options.signal.addEventListener('abort', onAbort, { once: true });
      options
        .follow((lines) => lines.forEach(send), stop.signal)
        .catch((error: unknown) => options.logger.warn({ err: error }, 'log-follow-failed'))
        .finally(() => {
          cleanup();
          try {
            controller.close();
          } catch {
            // already closed or cancelled
          }
        });
    },
    cancel() {
      cleanup();
    },
  });
}

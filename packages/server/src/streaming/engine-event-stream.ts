import type { ControlPlane, EngineStateChange } from '@sage/control-plane';
import { type EngineInfoWire, type EngineStateChangeEventWire, formatServerSentEvent } from '@sage/protocol';

const encoder = new TextEncoder();

/** Options of {@link engineEventStream}. */
export interface EngineEventStreamOptions {
  manager: ControlPlane;
  /** An engine in its wire form. */
  toWire: (engineId: string) => EngineInfoWire | null;
  /** An SSE comment is sent this often so idle connections stay open. */
  heartbeatMs: number;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
}

/**
 * Server-sent events of the engines (`GET /v1/management/events`, docs/dashboard.md): first
 * `event: snapshot` with `{"engines": [...]}`, then one `event: engine-state-change` per
 * transition, `{"engine_id", "from", "to", "event", "reason", "engine"}` where `engine` is the
 * engine after the change (null once it is gone). Ends when the client disconnects.
 */
export function engineEventStream(options: EngineEventStreamOptions): ReadableStream<Uint8Array> {
  const { manager } = options;
  let heartbeat: NodeJS.Timeout | undefined;
  let onChange: ((change: EngineStateChange) => void) | undefined;
  let onAbort: (() => void) | undefined;
  const cleanup = () => {
    clearInterval(heartbeat);
    if (onChange) manager.off('engine-state-change', onChange);
    if (onAbort) options.signal.removeEventListener('abort', onAbort);
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
      const engines = manager
        .listEngines()
        .map((engine) => options.toWire(engine.engineId))
        .filter((engine) => engine !== null);
      enqueue(formatServerSentEvent({ engines }, 'snapshot'));
      onChange = (change) =>
        enqueue(
          formatServerSentEvent(
            {
              engine_id: change.engineId,
              from: change.from,
              to: change.to,
              event: change.event,
              reason: change.reason,
              engine: options.toWire(change.engineId),
            } satisfies EngineStateChangeEventWire,
            'engine-state-change',
          ),
        );
      manager.on('engine-state-change', onChange);
      heartbeat = setInterval(() => enqueue(': keep-alive\n\n'), options.heartbeatMs);
      heartbeat.unref();
      onAbort = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
}

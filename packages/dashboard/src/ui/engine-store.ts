import type { EngineInfoWire } from '@sage/protocol';
import { ApiError, type ManagementClient } from './api.js';

/** An engine as last reported, and when (for the uptime that keeps counting between events). */
export interface EngineEntry {
  engine: EngineInfoWire;
  receivedAt: number;
}

/** The connection to the engine event stream. */
export type StreamState = 'connecting' | 'live' | 'reconnecting';

interface StateChangeEvent {
  engine_id: string;
  engine: EngineInfoWire | null;
}

/**
 * The engines, kept current by `GET /v1/management/events` (a snapshot, then one event per
 * state change): no polling. Reconnects after a dropped stream; a refused key calls `onAuthFailed`.
 */
export class EngineStore {
  readonly engines = new Map<string, EngineEntry>();
  state: StreamState = 'connecting';
  readonly #listeners = new Set<() => void>();
  readonly #stop = new AbortController();

  constructor(
    readonly client: ManagementClient,
    readonly options: { retryMs: number; onAuthFailed: (error: ApiError) => void },
  ) {}

  /** Call `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Engines sorted by id. */
  list(): EngineEntry[] {
    return [...this.engines.values()].sort((a, b) => a.engine.engine_id.localeCompare(b.engine.engine_id));
  }

  /** Upsert an engine that an action returned (its event follows anyway). */
  put(engine: EngineInfoWire): void {
    this.engines.set(engine.engine_id, { engine, receivedAt: Date.now() });
    this.#emit();
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  #onEvent(event: string | undefined, data: string): void {
    if (event === 'snapshot') {
      const body = JSON.parse(data) as { engines: EngineInfoWire[] };
      this.engines.clear();
      const now = Date.now();
      for (const engine of body.engines) this.engines.set(engine.engine_id, { engine, receivedAt: now });
      this.state = 'live';
      this.#emit();
    } else if (event === 'engine-state-change') {
      const change = JSON.parse(data) as StateChangeEvent;
      if (change.engine)
        this.engines.set(change.engine_id, { engine: change.engine, receivedAt: Date.now() });
      else this.engines.delete(change.engine_id);
      this.#emit();
    }
  }

  /** Follow the stream until {@link close}. */
  async run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.client.stream('/v1/management/events', signal, (message) =>
          this.#onEvent(message.event, message.data),
        );
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          this.options.onAuthFailed(error);
          return;
        }
      }
      if (signal.aborted) return;
      this.state = 'reconnecting';
      this.#emit();
      await new Promise((resolve) => setTimeout(resolve, this.options.retryMs));
    }
  }

  close(): void {
    this.#stop.abort();
    this.#listeners.clear();
  }
}

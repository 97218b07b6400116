import { EventEmitter } from 'node:events';
import type { EngineStatus } from '@sage/protocol';
import type { Logger } from 'pino';
import { EngineNotFoundError } from '../errors.js';
import type { EngineRecord } from './engine-record.js';
import { type EngineEvent, nextEngineStatus } from './engine-state.js';
import type { RegistryStore } from './registry-store.js';

/** Backoff of retried registry saves. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/** Emitted on every state change (STYLE G8). */
export interface EngineStateChange {
  engineId: string;
  from: EngineStatus;
  to: EngineStatus;
  event: EngineEvent;
  reason: string;
}

/**
 * The one registry of engines: records, the state machine applied to them, one event per
 * transition, and persistence after every change.
 */
export class EngineRegistry extends EventEmitter<{ 'engine-state-change': [EngineStateChange] }> {
  private readonly records = new Map<string, EngineRecord>();
  /** Increments on every change, so readers can cache views of the registry. */
  private changes = 0;
  /** A save failed: retried on a timer until one succeeds ("written when possible"). */
  private retry: NodeJS.Timeout | null = null;
  private retryDelayMs = RETRY_MIN_MS;

  get version(): number {
    return this.changes;
  }

  constructor(
    private readonly store: RegistryStore,
    private readonly logger: Logger,
  ) {
    super();
  }

  add(record: EngineRecord): void {
    this.records.set(record.engineId, record);
    this.persist();
  }

  get(engineId: string): EngineRecord {
    const record = this.records.get(engineId);
    if (!record) throw new EngineNotFoundError(engineId);
    return record;
  }

  find(engineId: string): EngineRecord | undefined {
    return this.records.get(engineId);
  }

  list(): EngineRecord[] {
    return [...this.records.values()];
  }

  delete(engineId: string): void {
    this.records.delete(engineId);
    this.persist();
  }

  /** Change fields that are not the status, then persist. */
  update(engineId: string, changes: Partial<Omit<EngineRecord, 'engineId' | 'status'>>): EngineRecord {
    const record = this.get(engineId);
    Object.assign(record, changes);
    this.persist();
    return record;
  }

  /** Apply a state-machine event; throws InvalidTransitionError when it is not allowed. */
  transition(engineId: string, event: EngineEvent, reason: string): EngineRecord {
    const record = this.get(engineId);
    const from = record.status;
    const to = nextEngineStatus(from, event);
    if (from === to) return record;
    record.status = to;
    this.logger.info({ engineId, from, to, reason }, 'engine-state-change');
    this.persist();
    this.emit('engine-state-change', { engineId, from, to, event, reason });
    return record;
  }

  /**
   * Take back a record a previous gateway left (adoption), its status moved by the table's
   * `event` (`adopted`, `lost`) like any other change; throws InvalidTransitionError when the
   * table does not allow it.
   */
  restore(record: EngineRecord, event: EngineEvent, reason: string): EngineRecord {
    const from = record.status;
    const to = nextEngineStatus(from, event);
    this.records.set(record.engineId, { ...record, status: to });
    this.persist();
    if (from !== to) {
      this.logger.info({ engineId: record.engineId, from, to, reason }, 'engine-state-change');
      this.emit('engine-state-change', { engineId: record.engineId, from, to, event, reason });
    }
    return this.get(record.engineId);
  }

  /** Resolves once the latest state is on disk; rejects (e.g. StateDirectoryUnwritableError) when it cannot be written. */
  async flush(): Promise<void> {
    try {
      await this.store.save(this.list());
      this.saved();
    } catch (error) {
      this.scheduleRetry();
      throw error;
    }
  }

  /** Stop retrying failed saves (the manager is closing). */
  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private persist(): void {
    this.changes += 1;
    this.store.save(this.list()).then(
      () => this.saved(),
      (error: unknown) => {
        this.logger.error({ err: error }, 'engine registry could not be saved; retrying');
        this.scheduleRetry();
      },
    );
  }

  private saved(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.retryDelayMs = RETRY_MIN_MS;
  }

  private scheduleRetry(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
      this.store.save(this.list()).then(
        () => {
          this.saved();
          this.logger.info('engine registry saved again');
        },
        () => this.scheduleRetry(),
      );
    }, this.retryDelayMs);
    this.retry.unref();
  }
}

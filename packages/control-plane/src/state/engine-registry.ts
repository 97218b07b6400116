import { EventEmitter } from 'node:events';
import type { EngineStatus } from '@sage/protocol';
import type { Logger } from 'pino';
import { EngineNotFoundError } from '../errors.js';
import type { EngineRecord } from './engine-record.js';
import { type EngineEvent, nextEngineStatus } from './engine-state.js';
import type { RegistryStore } from './registry-store.js';

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

  /** Resolves once the latest state is on disk. */
  flush(): Promise<void> {
    return this.store.save(this.list());
  }

  private persist(): void {
    this.changes += 1;
    this.store.save(this.list()).catch((error: unknown) => {
      this.logger.error({ err: error }, 'engine registry could not be saved');
    });
  }
}

import type {
  CachedModelWire,
  CatalogModelStatusWire,
  ClusterStatusWire,
  EngineInfoWire,
  EngineListWire,
  EngineLogsWire,
  EngineStartRequestWire,
  GatewayHealthWire,
  GpuListWire,
  ModelPullEventWire,
  ModelPullRequestWire,
  PresetApplyRequestWire,
  PresetApplyWire,
  PruneWire,
} from '@sage/protocol';

/** `GET /v1/management/models/cache`. */
export interface CachedModelListWire {
  models: CachedModelWire[];
}

/** `GET /health`: `GatewayHealthWire` (older gateways answer `{ status: 'ok' }` alone). */
export type HealthWire = Pick<GatewayHealthWire, 'status'> & Partial<Omit<GatewayHealthWire, 'status'>>;

/** `GET /v1/management/catalog`. */
export interface CatalogListWire {
  models: CatalogModelStatusWire[];
}

/**
 * The gateway's management API as the commands use it (its bodies are `@sage/protocol`'s
 * management DTOs, the ones the gateway's routes answer with). `HttpManagementClient` talks HTTP;
 * tests pass a fake.
 */
export interface ManagementClient {
  /** The API base this client talks to (`http://127.0.0.1:8889/v1`). */
  readonly apiBase: string;
  health(): Promise<HealthWire>;
  listEngines(): Promise<EngineListWire>;
  getEngine(engineId: string): Promise<EngineInfoWire>;
  /** `wait: true` answers once the engine is RUNNING or FAILED. */
  startEngine(request: EngineStartRequestWire, options?: { wait?: boolean }): Promise<EngineInfoWire>;
  stopEngine(engineId: string, options: { drain: boolean }): Promise<unknown>;
  restartEngine(engineId: string): Promise<unknown>;
  engineLogs(engineId: string, options: { tail: number }): Promise<EngineLogsWire>;
  /** New log lines as they are written (after the last `tail` lines), until `signal` aborts. */
  followEngineLogs(engineId: string, options: { tail: number; signal?: AbortSignal }): AsyncIterable<string>;
  pruneEngines(): Promise<PruneWire>;
  status(): Promise<ClusterStatusWire>;
  gpus(): Promise<GpuListWire>;
  applyPreset(request: PresetApplyRequestWire): Promise<PresetApplyWire>;
  /** The model catalog with each model's state. */
  listCatalog(): Promise<CatalogListWire>;
  /** Load one engine of a catalog model; answers once it is RUNNING. */
  loadModel(name: string): Promise<CatalogModelStatusWire>;
  /** Drain and stop every engine of a catalog model. */
  unloadModel(name: string): Promise<CatalogModelStatusWire>;
  /** `POST /models/pull`: the pull's events (NDJSON) until `done` or `error`. */
  pullModel(
    request: ModelPullRequestWire,
    options?: { signal?: AbortSignal },
  ): AsyncIterable<ModelPullEventWire>;
  listCachedModels(): Promise<CachedModelListWire>;
  removeCachedModel(id: string): Promise<{ removed: CachedModelWire }>;
  close(): Promise<void>;
}

import { SageApiError } from '@sage/llm-core';
import type {
  CachedModelWire,
  CatalogModelStatusWire,
  ClusterStatusWire,
  EngineInfoWire,
  EngineListWire,
  EngineLogsWire,
  EngineStartRequestWire,
  GpuListWire,
  ModelPullEventWire,
  ModelPullRequestWire,
  PresetApplyRequestWire,
  PresetApplyWire,
  PruneWire,
} from '@sage/protocol';
import type {
  CachedModelListWire,
  CatalogListWire,
  HealthWire,
  ManagementClient,
} from '../api/management-types.js';
import { engineInfo } from './engines.js';

/** One recorded call: the method and its arguments. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/**
 * An in-memory {@link ManagementClient}. Engines started through it get the states listed in
 * `statesAfterStart` one `getEngine` call at a time (default: RUNNING at once).
 */
export class FakeManagementClient implements ManagementClient {
  readonly apiBase: string;
  readonly calls: RecordedCall[] = [];
  engines: EngineInfoWire[] = [];
  statesAfterStart: EngineInfoWire['status'][] = ['RUNNING'];
  logLines: string[] = ['line one', 'line two'];
  followLines: string[] = ['followed one', 'followed two'];
  gpuList: GpuListWire = { gpus: [], mock: false };
  applyResult: PresetApplyWire | Error = { preset: {}, engines: [] };
  /** Engines that appear in `listEngines` while `applyPreset` is in flight. */
  enginesDuringApply: EngineInfoWire[] = [];
  /** The catalog `listCatalog` answers; `loadModel`/`unloadModel` change the state of an entry. */
  catalog: CatalogModelStatusWire[] = [];
  healthError: Error | null = null;
  healthAnswer: HealthWire = { status: 'ok' };
  /** What `pullModel` yields (an Error is thrown, as the gateway's error answer would be). */
  pullEvents: ModelPullEventWire[] | Error = [];
  cachedModels: CachedModelWire[] = [];
  private nextId = 1;
  private pendingStates = new Map<string, EngineInfoWire['status'][]>();

  constructor(apiBase = 'http://127.0.0.1:8889/v1') {
    this.apiBase = apiBase;
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  async health(): Promise<HealthWire> {
    this.record('health');
    if (this.healthError) throw this.healthError;
    return this.healthAnswer;
  }

  async *pullModel(request: ModelPullRequestWire): AsyncGenerator<ModelPullEventWire> {
    this.record('pullModel', request);
    if (this.pullEvents instanceof Error) throw this.pullEvents;
    for (const event of this.pullEvents) yield event;
  }

  async listCachedModels(): Promise<CachedModelListWire> {
    this.record('listCachedModels');
    return { models: [...this.cachedModels] };
  }

  async removeCachedModel(id: string): Promise<{ removed: CachedModelWire }> {
    this.record('removeCachedModel', id);
    const removed = this.cachedModels.find((model) => model.id === id);
    if (!removed) {
      throw new SageApiError({
        status: 404,
        message: `no cached model '${id}'`,
        code: 'cached_model_not_found',
      });
    }
    this.cachedModels = this.cachedModels.filter((model) => model !== removed);
    return { removed };
  }

  async listEngines(): Promise<EngineListWire> {
    this.record('listEngines');
    return { engines: [...this.engines] };
  }

  async getEngine(engineId: string): Promise<EngineInfoWire> {
    this.record('getEngine', engineId);
    const engine = this.engines.find((candidate) => candidate.engine_id === engineId);
    if (!engine)
      throw new SageApiError({
        status: 404,
        message: `no engine '${engineId}'`,
        code: 'engine_not_found',
      });
    const states = this.pendingStates.get(engineId) ?? [];
    const next = states.shift();
    if (next !== undefined) {
      engine.status = next;
      if (next === 'FAILED') engine.last_error = 'exit code 1: refusing to start';
    }
    return { ...engine };
  }

  async startEngine(
    request: EngineStartRequestWire,
    options: { wait?: boolean } = {},
  ): Promise<EngineInfoWire> {
    this.record('startEngine', request, options);
    const useGpu = request.use_gpu ?? request.engine_kind !== 'embedding';
    const engine = engineInfo({
      engine_id: `engine-${this.nextId++}`,
      model_id: request.model_id,
      engine_kind: request.engine_kind ?? 'llm',
      backend: request.backend ?? 'sage',
      status: 'STARTING',
      gpu_ids: useGpu ? (request.gpu_ids ?? [0]) : [],
      device: useGpu ? 'cuda' : 'cpu',
    });
    this.engines.push(engine);
    this.pendingStates.set(engine.engine_id, [...this.statesAfterStart]);
    return { ...engine };
  }

  async stopEngine(engineId: string, options: { drain: boolean }): Promise<unknown> {
    this.record('stopEngine', engineId, options);
    return { engine_id: engineId, status: 'STOPPED' };
  }

  async restartEngine(engineId: string): Promise<unknown> {
    this.record('restartEngine', engineId);
    return { engine_id: engineId, status: 'RESTARTING' };
  }

  async engineLogs(engineId: string, options: { tail: number }): Promise<EngineLogsWire> {
    this.record('engineLogs', engineId, options);
    return { engine_id: engineId, lines: this.logLines.slice(-options.tail) };
  }

  async *followEngineLogs(engineId: string, options: { tail: number }): AsyncGenerator<string> {
    this.record('followEngineLogs', engineId, options);
    yield* this.followLines;
  }

  async pruneEngines(): Promise<PruneWire> {
    this.record('pruneEngines');
    return { removed: ['engine-9'] };
  }

  async status(): Promise<ClusterStatusWire> {
    this.record('status');
    return {
      engines: this.engines,
      gpus: this.gpuList.gpus,
      scheduling_policy: 'adaptive',
      queue: { depth: 0, capacity: 1024 },
      engine_counts: { RUNNING: this.engines.filter((engine) => engine.status === 'RUNNING').length },
    };
  }

  async gpus(): Promise<GpuListWire> {
    this.record('gpus');
    return this.gpuList;
  }

  async applyPreset(request: PresetApplyRequestWire): Promise<PresetApplyWire> {
    this.record('applyPreset', request);
    this.engines.push(...this.enginesDuringApply);
    // Let the watcher see the engines before the answer arrives.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    if (this.applyResult instanceof Error) throw this.applyResult;
    return this.applyResult;
  }

  async close(): Promise<void> {
    this.record('close');
  }

  async listCatalog(): Promise<CatalogListWire> {
    this.record('listCatalog');
    return { models: this.catalog.map((model) => ({ ...model })) };
  }

  async loadModel(name: string): Promise<CatalogModelStatusWire> {
    this.record('loadModel', name);
    return this.#setState(name, 'loaded', 1);
  }

  async unloadModel(name: string): Promise<CatalogModelStatusWire> {
    this.record('unloadModel', name);
    return this.#setState(name, 'unloaded', 0);
  }

  #setState(name: string, state: CatalogModelStatusWire['state'], replicas: number): CatalogModelStatusWire {
    const model = this.catalog.find((entry) => entry.name === name || entry.aliases.includes(name));
    if (!model) {
      throw new SageApiError({
        status: 404,
        message: `no catalog model '${name}'`,
        code: 'model_not_found',
      });
    }
    model.state = state;
    model.replicas = replicas;
    model.engine_ids = replicas > 0 ? ['engine-1'] : [];
    return { ...model };
  }
}

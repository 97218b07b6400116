import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { CONTROL_PLANE_DEFAULTS } from '../defaults.js';
import type {
  EngineAddress,
  EngineExecutor,
  EngineExit,
  EngineSample,
  ExecutorEvent,
  ExecutorLaunchSpec,
  ExecutorTarget,
  LaunchCheck,
  LaunchedEngine,
  RecordedLaunch,
  RunningEngine,
} from '../executors/engine-executor.js';
import { LocalProcessExecutor } from '../executors/local/local-process-executor.js';
import type { ProcessTable } from './proc-table.js';
import type { spawnProcessGroup } from './process-tree.js';

/** An exit nobody asked for, of the engine's current launch (`generation`), classified by its executor. */
export interface EngineExitEvent {
  engineId: string;
  generation: string;
  exit: EngineExit;
}

export interface EngineLifecycleManagerOptions {
  logger?: Logger;
  stopTimeoutMs?: number;
  /** Default timeout of {@link EngineLifecycleManager.healthCheck}. */
  healthCheckTimeoutMs?: number;
  /** Where engines run (default: a {@link LocalProcessExecutor} over `home`). */
  executor?: EngineExecutor;
  /** The control plane's state directory, for the default local executor's markers. */
  home?: string;
  /** The host's processes (default `/proc`), for the default local executor. */
  processTable?: ProcessTable;
  /** Replaceable for tests: how the default local executor spawns a process. */
  spawnProcess?: typeof spawnProcessGroup;
}

/**
 * Runs engines through an {@link EngineExecutor} and checks their health over HTTP at the
 * address the executor reports, so the same checks work for a local process and a pod. It has
 * no port, GPU or restart logic, and reads no pid: it is told where an engine lives.
 *
 * @example
 * const lifecycle = new EngineLifecycleManager({ stopTimeoutMs: 5000, home: '/tmp/sage' });
 * await lifecycle.launch({ engineId: 'e1', backend: 'sage', modelId: 'm', kind: 'llm',
 *   argv: ['node', 'engine.js'], env: {}, ownEnv: {}, host: '127.0.0.1', port: 8001, gpuIds: [],
 *   device: 'cpu', healthPaths: ['/health'], logPath: '/tmp/e1.log', nonce: 'n1' });
 * await lifecycle.healthCheck('e1', { timeoutMs: 1000 });
 */
export class EngineLifecycleManager extends EventEmitter<{ 'engine-exit': [EngineExitEvent] }> {
  /** Health paths of every engine launched or adopted, by id. */
  private readonly healthPaths = new Map<string, readonly string[]>();
  private readonly healthCheckTimeoutMs: number;
  private readonly http = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  private readonly unsubscribe: () => void;
  /** Where engines run. */
  readonly executor: EngineExecutor;

  constructor(options: EngineLifecycleManagerOptions = {}) {
    super();
    const logger = options.logger ?? pino({ level: 'silent' });
    this.healthCheckTimeoutMs = options.healthCheckTimeoutMs ?? CONTROL_PLANE_DEFAULTS.healthCheckTimeoutMs;
    this.executor =
      options.executor ??
      new LocalProcessExecutor({
        logger,
        home: options.home,
        stopTimeoutMs: options.stopTimeoutMs,
        processTable: options.processTable,
        spawnProcess: options.spawnProcess,
      });
    this.unsubscribe = this.executor.subscribe((event) => this.onExecutorEvent(event));
  }

  private onExecutorEvent(event: ExecutorEvent): void {
    if (event.type === 'engine-exit') {
      this.emit('engine-exit', { engineId: event.engineId, generation: event.generation, exit: event.exit });
    }
  }

  /** Run a placed engine. A previous launch of the same engine must be stopped first. */
  async launch(spec: ExecutorLaunchSpec): Promise<LaunchedEngine> {
    this.healthPaths.set(spec.engineId, [...spec.healthPaths]);
    return this.executor.launch(spec);
  }

  /** Take over a launch an earlier gateway left running (found by {@link list} and {@link identify}). */
  async adopt(running: RunningEngine, target: ExecutorTarget): Promise<LaunchedEngine> {
    this.healthPaths.set(target.engineId, [...target.healthPaths]);
    return this.executor.adopt(running, target);
  }

  /** Every launch the executor runs for this control plane ("what it runs"). */
  list(): Promise<RunningEngine[]> {
    return this.executor.list();
  }

  /** Whether a recorded launch still runs. */
  identify(recorded: RecordedLaunch, running: readonly RunningEngine[]): LaunchCheck {
    return this.executor.identify(recorded, running);
  }

  /** Stop a launch no record wants. */
  stopOrphan(running: RunningEngine, options: { timeoutMs?: number } = {}): Promise<void> {
    return this.executor.stopOrphan(running, options);
  }

  /** One sample per engine (frozen? resident memory for `memory`); empty where the executor cannot sample. */
  sample(engineIds: readonly string[], memory: readonly string[] = []): ReadonlyMap<string, EngineSample> {
    return this.executor.sample?.(engineIds, memory) ?? new Map();
  }

  /** Stop an engine and everything it started. Resolves with how it ended (null when nothing ran). */
  stop(engineId: string, options: { timeoutMs?: number } = {}): Promise<EngineExit | null> {
    return this.executor.stop(engineId, options);
  }

  /** Stop (if needed) and forget an engine. */
  async remove(engineId: string): Promise<void> {
    await this.stop(engineId);
    this.healthPaths.delete(engineId);
  }

  isAlive(engineId: string): boolean {
    return this.executor.isAlive(engineId);
  }

  /** Where the engine answers HTTP now; null when nothing runs. */
  address(engineId: string): EngineAddress | null {
    return this.executor.address(engineId);
  }

  /**
   * HTTP health check. LLM engines: `GET /health`, falling back to `GET /v1/models`; embedding
   * engines: `GET /health` (the paths come from the engine's backend). Unknown or stopped
   * engines → false.
   */
  async healthCheck(engineId: string, options: { timeoutMs?: number } = {}): Promise<boolean> {
    const paths = this.healthPaths.get(engineId);
    const address = this.executor.address(engineId);
    if (!paths || !address || !this.executor.isAlive(engineId)) return false;
    const timeoutMs = options.timeoutMs ?? this.healthCheckTimeoutMs;
    for (const path of paths) {
      const outcome = await this.probe(`${address.baseUrl}${path}`, timeoutMs);
      // Only a missing route falls through to the next path: a 503 from /health means "loading",
      // and must not be overruled by /v1/models answering 200.
      if (outcome !== 'missing') return outcome === 'ok';
    }
    return false;
  }

  /** Health of every engine launched or adopted, checked concurrently. */
  async healthCheckAll(options: { timeoutMs?: number } = {}): Promise<Record<string, boolean>> {
    const ids = [...this.healthPaths.keys()];
    const results = await Promise.all(ids.map((id) => this.healthCheck(id, options)));
    return Object.fromEntries(ids.map((id, index) => [id, results[index] ?? false]));
  }

  private async probe(url: string, timeoutMs: number): Promise<'ok' | 'missing' | 'failed'> {
    try {
      const response = await request(url, {
        method: 'GET',
        dispatcher: this.http,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return 'ok';
      return response.statusCode === 404 || response.statusCode === 405 ? 'missing' : 'failed';
    } catch {
      return 'failed';
    }
  }

  /** The last lines of an engine's own log. */
  logTail(engineId: string, lines: number = CONTROL_PLANE_DEFAULTS.logTailLines): Promise<string[]> {
    return this.executor.logTail(engineId, lines);
  }

  /** New log lines of an engine as they come, until `signal` aborts. */
  followLogs(engineId: string, onLines: (lines: string[]) => void, signal: AbortSignal): Promise<void> {
    return this.executor.followLogs(engineId, onLines, signal);
  }

  /** Ask every engine to stop now, synchronously (a process exit path): no-op for remote executors. */
  signalAllSync(): void {
    this.executor.killAllSync?.('SIGTERM');
  }

  /** SIGKILL every engine now, synchronously, for a process that exits before it could stop them gracefully. */
  killAllSync(): void {
    this.executor.killAllSync?.('SIGKILL');
  }

  /** Stop every engine launched or adopted (at shutdown when engines should not outlive the control plane). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.healthPaths.keys()].map((id) => this.stop(id)));
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.executor.close();
    await this.http.close();
  }
}

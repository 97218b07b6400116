import { type EngineExitClass, type EngineStatus, isSupervised } from '@sage/protocol';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { CONTROL_PLANE_DEFAULTS } from '../defaults.js';
import type { EngineExit, EngineSample } from '../executors/engine-executor.js';
import { restartBackoffMs } from './backoff.js';
import { decideOnSample, type MemoryLimit } from './process-sample.js';

/**
 * What the supervisor decided for an engine, as data. The supervisor only observes and decides;
 * one effect runner ({@link SupervisedEngines.apply}, the manager's `supervisor-effects.ts`)
 * carries each intent out as its event in the registry's transition table:
 * `mark-healthy` → `healthy`, `mark-unhealthy` → `unhealthy`, `begin-restart` → `restart`,
 * `relaunch` → `spawned` (or `download`), `fail` → `fail`.
 */
export type SupervisorIntent =
  /** STARTING/UNHEALTHY → RUNNING. */
  | { type: 'mark-healthy'; engineId: string }
  /** RUNNING → UNHEALTHY (no new traffic). */
  | { type: 'mark-unhealthy'; engineId: string; reason: string }
  /** → RESTARTING: stop what is left of the launch; the relaunch comes after the backoff. */
  | { type: 'begin-restart'; engineId: string; reason: string; attempt: number; delayMs: number }
  /** RESTARTING → STARTING: launch again with the same id (and port when still free). */
  | { type: 'relaunch'; engineId: string }
  /** → FAILED: release resources, record the reason (and how it ended, when known) and the log tail. */
  | { type: 'fail'; engineId: string; reason: string; exitClass?: EngineExitClass | undefined };

/** What the supervisor sees of engines, and the one door its decisions go through. The manager implements it; tests fake it. */
export interface SupervisedEngines {
  /** Engines and their current status. */
  list(): ReadonlyArray<{
    engineId: string;
    status: EngineStatus;
    startupTimeoutMs: number;
    /** The most resident memory its processes may hold (null: unbounded). */
    memoryLimit?: MemoryLimit | null;
  }>;
  isAlive(engineId: string): boolean;
  /** One sample per engine (frozen?), with resident memory for `memory` only (the executor's {@link EngineSample}). */
  sample?(engineIds: readonly string[], memory: readonly string[]): ReadonlyMap<string, EngineSample>;
  healthCheck(engineId: string, timeoutMs: number): Promise<boolean>;
  /** Carry out one decision (the effect runner); rejects when it could not (a relaunch that failed). */
  apply(intent: SupervisorIntent): Promise<void>;
}

export interface RestartSupervisorOptions {
  engines: SupervisedEngines;
  autoRestart?: boolean;
  maxRestartAttempts?: number;
  healthCheckIntervalMs?: number;
  healthCheckTimeoutMs?: number;
  consecutiveFailuresThreshold?: number;
  restartBackoffBaseMs?: number;
  restartBackoffMaxMs?: number;
  restartResetAfterMs?: number;
  readinessPollMs?: number;
  /** Milliseconds between two samples of engine processes (frozen? past the memory bound?). */
  processSampleIntervalMs?: number;
  logger?: Logger;
  now?: () => number;
}

interface EngineWatch {
  consecutiveFailures: number;
  /** Restart attempts since the engine was last stable. Never reset by a tick (defect 4). */
  attempts: number;
  runningSince: number | null;
  busy: boolean;
  timer: NodeJS.Timeout | null;
  /** Ends a pending backoff wait early (the engine was stopped or forgotten). */
  cancelBackoff: (() => void) | null;
  startupToken: number;
}

/**
 * SPEC B: a background loop checks every engine; a STARTING engine is polled for readiness; an
 * exited process is restarted at once, a failing one after `consecutiveFailuresThreshold`
 * checks; restarts wait 1 s, 2 s, 4 s … (`restartBackoffBaseMs` × 2^(n−1)); past
 * `maxRestartAttempts` the engine is FAILED. The attempt counter resets once the engine has
 * been RUNNING for `restartResetAfterMs`.
 */
export class RestartSupervisor {
  private readonly engines: SupervisedEngines;
  private readonly options: Required<Omit<RestartSupervisorOptions, 'engines' | 'logger' | 'now'>>;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly watches = new Map<string, EngineWatch>();
  private loop: NodeJS.Timeout | null = null;
  private sampler: NodeJS.Timeout | null = null;
  private ticking = false;
  private closed = false;

  constructor(options: RestartSupervisorOptions) {
    const defaults = CONTROL_PLANE_DEFAULTS;
    this.engines = options.engines;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.now = options.now ?? Date.now;
    this.options = {
      autoRestart: options.autoRestart ?? defaults.autoRestart,
      maxRestartAttempts: options.maxRestartAttempts ?? defaults.maxRestartAttempts,
      healthCheckIntervalMs: options.healthCheckIntervalMs ?? defaults.healthCheckIntervalMs,
      healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? defaults.healthCheckTimeoutMs,
      consecutiveFailuresThreshold:
        options.consecutiveFailuresThreshold ?? defaults.consecutiveFailuresThreshold,
      restartBackoffBaseMs: options.restartBackoffBaseMs ?? defaults.restartBackoffBaseMs,
      restartBackoffMaxMs: options.restartBackoffMaxMs ?? defaults.restartBackoffMaxMs,
      restartResetAfterMs: options.restartResetAfterMs ?? defaults.restartResetAfterMs,
      readinessPollMs: options.readinessPollMs ?? defaults.readinessPollMs,
      processSampleIntervalMs: options.processSampleIntervalMs ?? defaults.processSampleIntervalMs,
    };
  }

  /** Start the periodic health loop. */
  start(): void {
    if (this.loop || this.closed) return;
    this.loop = setInterval(() => {
      this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'health loop pass failed'));
    }, this.options.healthCheckIntervalMs);
    this.loop.unref();
    this.sampler = setInterval(() => {
      try {
        this.sample();
      } catch (error) {
        this.logger.error({ err: error }, 'process sample failed');
      }
    }, this.options.processSampleIntervalMs);
    this.sampler.unref();
  }

  close(): void {
    this.closed = true;
    if (this.loop) clearInterval(this.loop);
    if (this.sampler) clearInterval(this.sampler);
    this.loop = null;
    this.sampler = null;
    const watches = [...this.watches.values()];
    this.watches.clear();
    for (const watch of watches) {
      if (watch.timer) clearTimeout(watch.timer);
      watch.cancelBackoff?.();
    }
  }

  private watch(engineId: string): EngineWatch {
    let watch = this.watches.get(engineId);
    if (!watch) {
      watch = {
        consecutiveFailures: 0,
        attempts: 0,
        runningSince: null,
        busy: false,
        timer: null,
        cancelBackoff: null,
        startupToken: 0,
      };
      this.watches.set(engineId, watch);
    }
    return watch;
  }

  /** Forget an engine (stopped or removed): cancels a pending restart. */
  forget(engineId: string): void {
    const watch = this.watches.get(engineId);
    if (watch?.timer) clearTimeout(watch.timer);
    if (watch) watch.startupToken += 1;
    this.watches.delete(engineId);
    watch?.cancelBackoff?.();
  }

  /** Reset the attempt counter (an operator restarted the engine by hand). */
  resetAttempts(engineId: string): void {
    const watch = this.watch(engineId);
    watch.attempts = 0;
    watch.consecutiveFailures = 0;
  }

  attempts(engineId: string): number {
    return this.watches.get(engineId)?.attempts ?? 0;
  }

  /**
   * Poll a STARTING engine until it is healthy (→ RUNNING), its process exits, or its startup
   * timeout passes (both count as a failure).
   */
  watchStartup(engineId: string): void {
    const watch = this.watch(engineId);
    const token = ++watch.startupToken;
    const entry = this.engines.list().find((engine) => engine.engineId === engineId);
    const deadline = this.now() + (entry?.startupTimeoutMs ?? 120_000);
    const poll = async (): Promise<void> => {
      if (this.closed || watch.startupToken !== token) return;
      const current = this.engines.list().find((engine) => engine.engineId === engineId);
      if (current?.status !== 'STARTING') return;
      if (!this.engines.isAlive(engineId))
        return this.failureDetected(engineId, 'process exited during startup');
      if (await this.engines.healthCheck(engineId, this.options.healthCheckTimeoutMs)) {
        if (watch.startupToken !== token) return;
        watch.consecutiveFailures = 0;
        watch.runningSince = this.now();
        await this.engines.apply({ type: 'mark-healthy', engineId });
        return;
      }
      if (this.now() >= deadline) {
        return this.failureDetected(
          engineId,
          `not healthy within the startup timeout of ${entry?.startupTimeoutMs}ms`,
        );
      }
      setTimeout(run, this.options.readinessPollMs).unref();
    };
    const run = (): void => {
      poll().catch((error: unknown) =>
        this.logger.error({ engineId, err: error }, 'engine startup check failed'),
      );
    };
    run();
  }

  /**
   * The process of an engine exited on its own: restart at once (after the backoff), or — when
   * a restart cannot help (the engine said it is not startable) — FAILED at once.
   */
  onProcessExit(engineId: string, exit: Pick<EngineExit, 'class' | 'retry' | 'description'>): void {
    const status = this.engines.list().find((engine) => engine.engineId === engineId)?.status;
    if (status === undefined || !isSupervised(status)) return;
    if (!exit.retry) {
      this.forget(engineId);
      this.engines
        .apply({ type: 'fail', engineId, reason: exit.description, exitClass: exit.class })
        .catch((error: unknown) =>
          this.logger.error({ engineId, err: error }, 'engine could not be marked FAILED'),
        );
      return;
    }
    this.failureDetected(engineId, exit.description);
  }

  /**
   * One sample of the supervised engines' processes, far cheaper than a health check and so run
   * far more often: a frozen process (SIGSTOP) is restarted without waiting for health checks
   * to time out, and one whose resident memory passes its bound (`memoryLimit`: while loading
   * or later) is stopped and FAILED with that reason ({@link decideOnSample}).
   */
  sample(): void {
    if (this.closed) return;
    const engines = this.engines
      .list()
      .filter((engine) => isSupervised(engine.status) && this.engines.isAlive(engine.engineId));
    const bounded = engines.filter((engine) => engine.memoryLimit).map((engine) => engine.engineId);
    const samples = this.engines.sample?.(
      engines.map((engine) => engine.engineId),
      bounded,
    );
    for (const engine of engines) {
      const watch = this.watches.get(engine.engineId);
      if (watch?.busy) continue;
      const sample = samples?.get(engine.engineId);
      const intent = decideOnSample(
        { frozen: sample?.frozen ?? false, rssBytes: sample?.rssBytes },
        engine.memoryLimit ?? null,
      );
      if (intent.type === 'restart') {
        this.logger.warn({ engineId: engine.engineId, reason: intent.reason }, 'engine-frozen');
        this.failureDetected(engine.engineId, intent.reason);
      } else if (intent.type === 'fail') {
        this.logger.error({ engineId: engine.engineId, reason: intent.reason }, 'engine-memory-bound');
        this.forget(engine.engineId);
        this.engines
          .apply({
            type: 'fail',
            engineId: engine.engineId,
            reason: intent.reason,
            exitClass: intent.exitClass,
          })
          .catch((error: unknown) =>
            this.logger.error({ engineId: engine.engineId, err: error }, 'engine could not be marked FAILED'),
          );
      }
    }
  }

  /** One pass of the health loop over RUNNING and UNHEALTHY engines. */
  async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    try {
      const engines = this.engines
        .list()
        .filter((engine) => engine.status === 'RUNNING' || engine.status === 'UNHEALTHY');
      // One engine's failure never stops the others' checks.
      await Promise.all(
        engines.map((engine) =>
          this.check(engine.engineId, engine.status).catch((error: unknown) =>
            this.logger.error({ engineId: engine.engineId, err: error }, 'health check handling failed'),
          ),
        ),
      );
    } finally {
      this.ticking = false;
    }
  }

  private async check(engineId: string, initialStatus: EngineStatus): Promise<void> {
    let status = initialStatus;
    const watch = this.watch(engineId);
    if (watch.busy) return;
    // A restart waits out its backoff; the loop never blocks on it.
    if (!this.engines.isAlive(engineId)) return this.failureDetected(engineId, 'process is gone');
    const healthy = await this.engines.healthCheck(engineId, this.options.healthCheckTimeoutMs);
    // The engine may have changed while the check was in flight (its process exited and a
    // restart began, or it was stopped): act only on the state it is in now.
    const current = this.engines.list().find((engine) => engine.engineId === engineId)?.status;
    if (current !== 'RUNNING' && current !== 'UNHEALTHY') return;
    status = current;
    if (healthy) {
      watch.consecutiveFailures = 0;
      if (status === 'UNHEALTHY') {
        watch.runningSince = this.now();
        await this.engines.apply({ type: 'mark-healthy', engineId });
      }
      watch.runningSince ??= this.now();
      if (watch.attempts > 0 && this.now() - watch.runningSince >= this.options.restartResetAfterMs) {
        this.logger.info({ engineId, attempts: watch.attempts }, 'engine-restart-counter-reset');
        watch.attempts = 0;
      }
      return;
    }
    watch.consecutiveFailures += 1;
    watch.runningSince = null;
    const reason = `${watch.consecutiveFailures} consecutive failed health check(s)`;
    if (status === 'RUNNING') await this.engines.apply({ type: 'mark-unhealthy', engineId, reason });
    if (watch.consecutiveFailures >= this.options.consecutiveFailuresThreshold) {
      this.failureDetected(engineId, reason);
    }
  }

  /** Start handling a failure from a callback or timer: errors are logged, never left unhandled. */
  private failureDetected(engineId: string, reason: string): void {
    this.handleFailure(engineId, reason).catch((error: unknown) =>
      this.logger.error({ engineId, err: error, reason }, 'engine failure handling failed'),
    );
  }

  private async handleFailure(engineId: string, reason: string): Promise<void> {
    const watch = this.watch(engineId);
    if (watch.busy || this.closed) return;
    watch.busy = true;
    watch.startupToken += 1;
    watch.runningSince = null;
    try {
      let failure = reason;
      // A relaunch that fails (port taken, GPU memory gone, program removed) is one more attempt:
      // the engine stays RESTARTING and the next try waits the next backoff, until the cap.
      for (;;) {
        const processGone = !this.engines.isAlive(engineId);
        if (!this.options.autoRestart) {
          if (processGone)
            await this.engines.apply({ type: 'fail', engineId, reason: `${failure} (auto restart is off)` });
          return;
        }
        if (watch.attempts >= this.options.maxRestartAttempts) {
          await this.engines.apply({
            type: 'fail',
            engineId,
            reason: `${failure}; gave up after ${watch.attempts} restart attempt(s)`,
          });
          return;
        }
        watch.attempts += 1;
        watch.consecutiveFailures = 0;
        const delayMs = restartBackoffMs(
          watch.attempts,
          this.options.restartBackoffBaseMs,
          this.options.restartBackoffMaxMs,
        );
        this.logger.warn(
          { engineId, attempt: watch.attempts, delayMs, reason: failure },
          'engine-restart-scheduled',
        );
        await this.engines.apply({
          type: 'begin-restart',
          engineId,
          reason: failure,
          attempt: watch.attempts,
          delayMs,
        });
        await new Promise<void>((resolve) => {
          watch.cancelBackoff = resolve;
          watch.timer = setTimeout(resolve, delayMs);
        });
        watch.timer = null;
        watch.cancelBackoff = null;
        if (this.closed || this.watches.get(engineId) !== watch) return;
        try {
          await this.engines.apply({ type: 'relaunch', engineId });
          break;
        } catch (error) {
          // Stopped or forgotten while relaunching: nothing left to restart.
          if (this.closed || this.watches.get(engineId) !== watch) return;
          failure = `relaunch failed: ${(error as Error).message}`;
        }
      }
    } finally {
      watch.busy = false;
    }
    this.watchStartup(engineId);
  }
}

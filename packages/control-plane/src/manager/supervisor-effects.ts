import type { EngineExitClass } from '@sage/protocol';
import type { EngineRecord } from '../state/engine-record.js';
import type { EngineRegistry } from '../state/engine-registry.js';
import type { SupervisorIntent } from '../supervisor/restart-supervisor.js';

/** What carrying out the supervisor's intents needs of the manager's parts. */
export interface SupervisorEffectContext {
  registry: EngineRegistry;
  /** Stop what is left of the engine's current launch. */
  stopLaunch(engineId: string): Promise<unknown>;
  /** RESTARTING → STARTING (or DOWNLOADING): launch the record again. */
  relaunch(record: EngineRecord, reason: string): Promise<void>;
  /** → FAILED with the reason, the log tail and resources given back. */
  fail(engineId: string, reason: string, exitClass?: EngineExitClass): Promise<void>;
}

/**
 * The one effect runner of the supervisor's decisions ({@link SupervisorIntent}): each intent
 * becomes its event in the registry's transition table, plus what that event needs done.
 */
export function supervisorEffects(
  context: SupervisorEffectContext,
): (intent: SupervisorIntent) => Promise<void> {
  const { registry } = context;
  return async (intent) => {
    switch (intent.type) {
      case 'mark-healthy':
        registry.update(intent.engineId, { lastError: null });
        registry.transition(intent.engineId, 'healthy', 'health check passed');
        return;
      case 'mark-unhealthy':
        registry.transition(intent.engineId, 'unhealthy', intent.reason);
        return;
      case 'begin-restart': {
        const { engineId, reason, attempt, delayMs } = intent;
        const record = registry.update(engineId, { lastError: reason });
        // Already RESTARTING when the previous relaunch failed: the next attempt keeps the state.
        if (record.status !== 'RESTARTING') {
          registry.transition(engineId, 'restart', `${reason}; attempt ${attempt} in ${delayMs}ms`);
        }
        await context.stopLaunch(engineId);
        // As after kill -9: nothing serves until the relaunch, so requests that failed on the
        // old launch queue for the new one instead of excluding the engine.
        if (registry.find(engineId)?.status === 'RESTARTING')
          registry.update(engineId, { pid: null, generation: null });
        return;
      }
      case 'relaunch': {
        const record = registry.find(intent.engineId);
        if (record?.status !== 'RESTARTING') return;
        await context.relaunch(record, 'automatic restart');
        return;
      }
      case 'fail':
        await context.fail(intent.engineId, intent.reason, intent.exitClass);
        return;
    }
  };
}

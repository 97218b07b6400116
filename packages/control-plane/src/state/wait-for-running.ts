import { acceptsTraffic, isTerminal } from '@sage/protocol';
import { EngineStartError } from '../errors.js';
import type { EngineRegistry, EngineStateChange } from './engine-registry.js';

/**
 * Resolves when the engine is RUNNING; rejects with {@link EngineStartError} when it ends STOPPED
 * or FAILED (quoting its last error) or is not RUNNING within `timeoutMs`. Event-driven: no polling.
 */
export function waitForRunning(registry: EngineRegistry, engineId: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (): boolean => {
      const record = registry.get(engineId);
      if (acceptsTraffic(record.status)) {
        resolve();
        return true;
      }
      if (isTerminal(record.status)) {
        const reason = record.lastError ?? 'no error recorded';
        reject(new EngineStartError(engineId, `engine ${engineId} is ${record.status}: ${reason}`));
        return true;
      }
      return false;
    };
    if (settle()) return;
    const listener = (change: EngineStateChange) => {
      if (change.engineId === engineId && settle()) cleanup();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new EngineStartError(engineId, `engine ${engineId} not RUNNING within ${timeoutMs}ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      registry.off('engine-state-change', listener);
    };
    registry.on('engine-state-change', listener);
  });
}

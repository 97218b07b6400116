import type { Logger } from 'pino';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import type { EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import {
  isPidAlive,
  isProcessGroupAlive,
  killProcessGroup,
  readCommandLine,
} from '../lifecycle/process-tree.js';
import type { PortAllocator } from '../ports/port-allocator.js';
import type { EngineRecord } from '../state/engine-record.js';
import type { EngineRegistry } from '../state/engine-registry.js';

export interface AdoptionContext {
  persisted: readonly EngineRecord[];
  registry: EngineRegistry;
  lifecycle: EngineLifecycleManager;
  ports: PortAllocator;
  gpu: GPUResourceManager;
  logger: Logger;
  healthPaths: (record: EngineRecord) => readonly string[];
  /** Spawn a wanted engine whose process died while no gateway watched it. */
  relaunch: (record: EngineRecord) => Promise<void>;
  watchStartup: (engineId: string) => void;
}

/** Same program and arguments: the pid still belongs to our engine (pids are reused). */
export function isSameCommand(live: readonly string[] | null, recorded: readonly string[]): boolean {
  return (
    live !== null && live.length === recorded.length && live.every((part, index) => part === recorded[index])
  );
}

/**
 * Rebuild the registry from the state a previous gateway left: engines still alive (same pid,
 * same command line) are adopted under their old id and port; wanted engines that died are
 * started again; stopped engines are forgotten; FAILED ones stay visible until pruned.
 * No phantoms, no duplicates, no orphans.
 */
export async function adoptPersistedEngines(context: AdoptionContext): Promise<void> {
  const { registry, logger } = context;
  for (const persisted of context.persisted) {
    const record: EngineRecord = { ...persisted };
    if (registry.find(record.engineId)) continue;
    if (record.status === 'STOPPED' || record.status === 'STOPPING') {
      logger.info({ engineId: record.engineId }, 'engine-forgotten: it was stopped');
      continue;
    }
    if (record.status === 'FAILED') {
      registry.add({ ...record, pid: null, resourcesHeld: false });
      continue;
    }
    const pid = record.pid;
    if (pid !== null && isPidAlive(pid) && isSameCommand(readCommandLine(pid), record.command)) {
      await adopt(context, record, pid);
      continue;
    }
    if (pid !== null && !isPidAlive(pid) && isProcessGroupAlive(pid)) {
      logger.warn(
        { engineId: record.engineId, pgid: pid },
        'engine leader is gone but its workers live: stopping them',
      );
      await killProcessGroup(pid, 5_000);
    }
    registry.add({ ...record, status: 'RESTARTING', pid: null, resourcesHeld: false });
    try {
      await context.relaunch(registry.get(record.engineId));
    } catch (error) {
      logger.error(
        { engineId: record.engineId, err: error },
        'engine could not be restarted after a gateway restart',
      );
      registry.update(record.engineId, {
        lastError: `restart after gateway restart failed: ${(error as Error).message}`,
      });
      registry.transition(record.engineId, 'fail', 'restart after gateway restart failed');
    }
  }
}

async function adopt(context: AdoptionContext, record: EngineRecord, pid: number): Promise<void> {
  const { registry, lifecycle, ports, gpu, logger } = context;
  if (!(await ports.reserve(record.port, record.engineId))) {
    logger.warn(
      { engineId: record.engineId, port: record.port },
      'adopted engine port is locked by someone else',
    );
  }
  if (record.gpuIds.length > 0)
    gpu.restoreReservation(record.engineId, record.gpuIds, record.reservedMemoryGbPerGpu);
  gpu.attachProcess(record.engineId, pid);
  lifecycle.adopt(
    {
      engineId: record.engineId,
      host: record.host,
      port: record.port,
      kind: record.request.engineKind,
      healthPaths: context.healthPaths(record),
      logPath: record.logPath,
    },
    pid,
  );
  registry.add({ ...record, status: 'STARTING', resourcesHeld: true });
  logger.info({ engineId: record.engineId, pid, port: record.port }, 'engine-adopted');
  context.watchStartup(record.engineId);
}

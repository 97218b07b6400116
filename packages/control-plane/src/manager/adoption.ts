import type { Logger } from 'pino';
import type { LaunchCheck, RecordedLaunch, RunningEngine } from '../executors/engine-executor.js';
import type { GPUResourceManager } from '../gpu/gpu-resource-manager.js';
import type { EngineLifecycleManager } from '../lifecycle/engine-lifecycle-manager.js';
import type { PortAllocator } from '../ports/port-allocator.js';
import type { EngineRecord } from '../state/engine-record.js';
import type { EngineRegistry } from '../state/engine-registry.js';
import { recordFromLaunch } from './engine-spec.js';

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
  now: () => number;
  /** How long an orphan's group gets between SIGTERM and SIGKILL. */
  stopTimeoutMs: number;
}

function recordedLaunchOf(record: EngineRecord): RecordedLaunch {
  return { engineId: record.engineId, nonce: record.launchNonce, handle: record.executorHandle };
}

/**
 * Rebuild the registry from the state a previous gateway left, and from the engines that
 * actually run, as the executor lists and identifies them (local: the marker in a process's
 * environment and its pid's start time, never its command line, so engines behind a shim, a
 * console script or an `exec` wrapper are adopted, not duplicated):
 * - a wanted engine that still runs is adopted under its old id and port;
 * - a wanted engine whose process died is started again (its leftover workers stopped first);
 * - a stopped (or stopping) engine is forgotten, and whatever of it still runs is stopped; so is a
 *   SLEEPING one (its sleep mode is known to the gateway that started it only): the next request
 *   for its model loads it cold;
 * - a FAILED engine stays visible until pruned;
 * - a live engine carrying our marker that no record claims (the registry was lost or reset) is
 *   rebuilt from its marker and adopted, or stopped when that is impossible or its id is taken.
 * No phantoms, no duplicates, no orphans.
 */
export async function adoptPersistedEngines(context: AdoptionContext): Promise<void> {
  const { registry, lifecycle, logger } = context;
  const running = await lifecycle.list();
  const claimed = new Set<string>();
  for (const persisted of context.persisted) {
    const record: EngineRecord = { ...persisted };
    if (registry.find(record.engineId)) continue;
    const check: LaunchCheck =
      record.executorHandle === null && record.launchNonce === null
        ? { verdict: 'gone' }
        : lifecycle.identify(recordedLaunchOf(record), running);
    if (record.launchNonce !== null && check.verdict !== 'gone') claimed.add(record.launchNonce);
    if (
      record.status === 'STOPPED' ||
      record.status === 'STOPPING' ||
      record.status === 'FAILED' ||
      record.status === 'SLEEPING'
    ) {
      if (check.verdict !== 'gone')
        await lifecycle.stopOrphan(check.running, { timeoutMs: context.stopTimeoutMs });
      if (record.status === 'FAILED') {
        registry.add({ ...record, ...noLaunch, resourcesHeld: false });
      } else {
        logger.info(
          { engineId: record.engineId, status: record.status },
          'engine-forgotten: it was stopped or asleep',
        );
      }
      continue;
    }
    if (check.verdict === 'same') {
      await adopt(context, record, check.running);
      continue;
    }
    if (check.verdict === 'remnants') {
      logger.warn(
        { engineId: record.engineId, generation: check.running.generation },
        'engine launch is gone but parts of it live (workers): stopping them',
      );
      await lifecycle.stopOrphan(check.running, { timeoutMs: context.stopTimeoutMs });
    }
    registry.restore(
      { ...record, ...noLaunch, resourcesHeld: false },
      'lost',
      'its launch is gone after a gateway restart: starting it again',
    );
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
  for (const launch of running) {
    if (claimed.has(launch.nonce)) continue;
    await claimOrStop(context, launch);
  }
}

/** A live launch no record claims: rebuild its record from its marker, or stop it. */
async function claimOrStop(context: AdoptionContext, launch: RunningEngine): Promise<void> {
  const { registry, lifecycle, logger } = context;
  const rebuilt =
    launch.complete && !registry.find(launch.engineId) ? recordFromLaunch(launch, context.now()) : null;
  if (rebuilt === null) {
    // Another launch of a known engine, a launch whose spawned process is gone, or an unreadable marker.
    await lifecycle.stopOrphan(launch, { timeoutMs: context.stopTimeoutMs });
    return;
  }
  logger.warn(
    { engineId: launch.engineId, generation: launch.generation, port: rebuilt.port },
    'engine-rebuilt-from-marker: the registry had no record of this running engine',
  );
  await adopt(
    context,
    { ...rebuilt, lastError: 'rebuilt from the marker in its environment: the registry had no record of it' },
    launch,
  );
}

/** A record's fields of a launch that no longer runs. */
const noLaunch = { pid: null, generation: null, address: null } as const;

async function adopt(context: AdoptionContext, record: EngineRecord, running: RunningEngine): Promise<void> {
  const { registry, lifecycle, ports, gpu, logger } = context;
  if (!(await ports.reserve(record.port, record.engineId))) {
    logger.warn(
      { engineId: record.engineId, port: record.port },
      'adopted engine port is locked by someone else',
    );
  }
  if (record.gpuIds.length > 0)
    gpu.restoreReservation(record.engineId, record.gpuIds, record.reservedMemoryGbPerGpu);
  const launched = await lifecycle.adopt(running, {
    engineId: record.engineId,
    backend: record.backend,
    modelId: record.request.modelId,
    kind: record.request.engineKind,
    host: record.host,
    port: record.port,
    healthPaths: context.healthPaths(record),
    logPath: record.logPath,
  });
  registry.restore(
    {
      ...record,
      resourcesHeld: true,
      pid: launched.pid,
      generation: launched.generation,
      executorHandle: launched.handle,
      address: launched.address,
      launchNonce: running.nonce === '' ? record.launchNonce : running.nonce,
    },
    'adopted',
    'its launch still runs after a gateway restart: watched until healthy',
  );
  logger.info(
    { engineId: record.engineId, generation: launched.generation, port: record.port },
    'engine-adopted',
  );
  context.watchStartup(record.engineId);
}

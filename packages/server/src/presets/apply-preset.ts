import { type ControlPlane, catalogModelFromWire } from '@sage/control-plane';
import { type Preset, type PresetEngine, toEngineStartRequest } from '@sage/presets';
import { type EngineInfo, isTerminal, parseEngineStartRequest } from '@sage/protocol';
import type { Logger } from 'pino';
import { GATEWAY_DEFAULTS } from '../defaults.js';
import { PresetApplyError } from '../errors/gateway-errors.js';

/** Options of {@link applyPreset}. */
export interface ApplyPresetOptions {
  /** Stop the engines this application started when one fails (default true). */
  rollback?: boolean;
  /** How long all engines together may take to become RUNNING. */
  timeoutMs?: number;
  logger?: Logger;
  /**
   * The preset comes from an operator (a built-in, the gateway's start preset): its models'
   * `args` go on command lines as written. Default false (a preset sent over the API): they are
   * checked against `engines.allowed_extra_args` like `extra_args`.
   */
  trusted?: boolean;
}

/** The engines of an applied preset, all RUNNING. */
export interface AppliedPreset {
  preset: string;
  engines: EngineInfo[];
  /** Engines started by this application. */
  started: string[];
  /** Engines of the same preset that were already up and were kept. */
  reused: string[];
  /** Catalog models the preset added (loaded on demand). */
  models: string[];
}

/** An engine of this preset, from an earlier application, that is still alive. */
function findExisting(manager: ControlPlane, preset: Preset, engine: PresetEngine): string | undefined {
  return manager
    .listEngines()
    .find(
      (candidate) =>
        !isTerminal(candidate.status) &&
        candidate.modelId === engine.model &&
        candidate.metadata?.preset === preset.name &&
        candidate.metadata?.preset_engine === engine.name,
    )?.engineId;
}

/**
 * Start every engine of a preset and wait until all are RUNNING. Engines of the same preset that
 * are already up are kept, so applying twice is harmless. When one engine cannot start or does
 * not become ready, the engines this call started are stopped again (unless `rollback` is false)
 * and a {@link PresetApplyError} names the failing engine.
 *
 * @example
 * ```ts
 * const applied = await applyPreset(manager, await resolvePreset('local'), { timeoutMs: 120_000 });
 * applied.engines.map((engine) => engine.status); // ['RUNNING', 'RUNNING']
 * ```
 */
export async function applyPreset(
  manager: ControlPlane,
  preset: Preset,
  options: ApplyPresetOptions = {},
): Promise<AppliedPreset> {
  const rollback = options.rollback ?? true;
  const timeoutMs = options.timeoutMs ?? GATEWAY_DEFAULTS.readyTimeoutMs;
  const started: string[] = [];
  const reused: string[] = [];
  const engineIds: string[] = [];
  const models = (preset.models ?? []).map((model) =>
    catalogModelFromWire(model, { trusted: options.trusted ?? false }),
  );
  if (models.length > 0) manager.catalog.add(models);

  // The first failure rolls back; later ones (engines stopped by the rollback) share its error.
  let failure: Promise<never> | undefined;
  const fail = (engine: PresetEngine, cause: unknown): Promise<never> => {
    failure ??= rollBack(engine, cause);
    return failure;
  };
  const rollBack = async (engine: PresetEngine, cause: unknown): Promise<never> => {
    const stopped: string[] = [];
    if (rollback) {
      for (const engineId of [...started].reverse()) {
        await manager.requestEngineShutdown(engineId, { drain: false }).then(
          () => stopped.push(engineId),
          (error: unknown) =>
            options.logger?.error({ engineId, err: error }, 'preset rollback could not stop engine'),
        );
      }
    }
    options.logger?.error(
      { preset: preset.name, engine: engine.name, rolledBack: stopped },
      'preset-apply-failed',
    );
    throw new PresetApplyError(preset.name, engine.name, engine.model, stopped, cause);
  };

  for (const engine of preset.engines) {
    const existing = findExisting(manager, preset, engine);
    if (existing) {
      reused.push(existing);
      engineIds.push(existing);
      continue;
    }
    try {
      const { modelId, ...startOptions } = parseEngineStartRequest(
        toEngineStartRequest(engine, { presetName: preset.name }),
      );
      const info = await manager.requestEngineStartup(modelId, startOptions);
      started.push(info.engineId);
      engineIds.push(info.engineId);
    } catch (error) {
      return fail(engine, error);
    }
  }

  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    engineIds.map((engineId, index) =>
      manager
        .waitForEngine(engineId, { timeoutMs: Math.max(1, deadline - Date.now()) })
        .catch((error: unknown) => fail(preset.engines[index] as PresetEngine, error)),
    ),
  );
  const modelNames = models.map((model) => model.name);
  options.logger?.info({ preset: preset.name, started, reused, models: modelNames }, 'preset-applied');
  return {
    preset: preset.name,
    engines: engineIds.map((id) => manager.getEngine(id)),
    started,
    reused,
    models: modelNames,
  };
}

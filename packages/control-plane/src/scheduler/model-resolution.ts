import { isTerminal } from '@sage/protocol';
import { EngineUnavailableError, ModelNotFoundError } from './scheduler-errors.js';
import type { SchedulableEngine, SchedulableEngineKind } from './scheduler-types.js';

/**
 * Which engines serve which request: pure functions over the manager's engine list.
 */

/** STOPPED and FAILED engines no longer make a model known; every other status does. */
function isEngineAlive(engine: SchedulableEngine): boolean {
  return !isTerminal(engine.status);
}

/**
 * Alive and not asleep: an engine that serves without a load. A catalog model whose engines all
 * sleep is demanded like one without engines (the load wakes one).
 */
export function isEngineAwake(engine: SchedulableEngine): boolean {
  return isEngineAlive(engine) && engine.status !== 'SLEEPING';
}

/** `engine` serves `model` (by model id or engine label) for requests of `kind`. */
export function servesModel(engine: SchedulableEngine, model: string, kind: SchedulableEngineKind): boolean {
  return engine.engineKind === kind && (engine.modelId === model || engine.engineLabel === model);
}

/** FAILED engines that serve `model` (any model of the kind when undefined). */
function failedEngines(
  engines: readonly SchedulableEngine[],
  model: string | undefined,
  kind: SchedulableEngineKind,
): SchedulableEngine[] {
  return engines.filter(
    (engine) =>
      engine.status === 'FAILED' &&
      (model === undefined ? engine.engineKind === kind : servesModel(engine, model, kind)),
  );
}

/**
 * The model a request is for: its own `model` when some alive engine serves it, else — without
 * a `model` — the model id of the first alive engine of the kind.
 * @throws EngineUnavailableError (`engines-failed`, 503) when only FAILED engines serve it: the
 *   model is known, its engine needs a restart.
 * @throws ModelNotFoundError when no engine serves it.
 */
export function resolveModel(
  engines: readonly SchedulableEngine[],
  model: string | undefined,
  kind: SchedulableEngineKind,
): string {
  if (model === undefined) {
    const first = engines.find((engine) => engine.engineKind === kind && isEngineAlive(engine));
    if (first) return first.modelId;
  } else if (engines.some((engine) => isEngineAlive(engine) && servesModel(engine, model, kind))) {
    return model;
  }
  const failed = failedEngines(engines, model, kind);
  const [first] = failed;
  if (first) {
    throw new EngineUnavailableError(
      model ?? first.modelId,
      kind,
      'engines-failed',
      failed.map((engine) => engine.engineId),
    );
  }
  throw new ModelNotFoundError(model, kind);
}

/**
 * Why a known model cannot be served for a request any more, or undefined while some alive,
 * not-excluded engine serves it (it may still be STARTING: the request then waits).
 */
export function unavailability(
  engines: readonly SchedulableEngine[],
  model: string,
  kind: SchedulableEngineKind,
  excludeEngineIds: ReadonlySet<string>,
): EngineUnavailableError | undefined {
  let excluded = false;
  for (const engine of engines) {
    if (!isEngineAlive(engine) || !servesModel(engine, model, kind)) continue;
    if (!excludeEngineIds.has(engine.engineId)) return undefined;
    excluded = true;
  }
  if (excluded) return new EngineUnavailableError(model, kind, 'engines-excluded');
  const failed = failedEngines(engines, model, kind).map((engine) => engine.engineId);
  return failed.length > 0
    ? new EngineUnavailableError(model, kind, 'engines-failed', failed)
    : new EngineUnavailableError(model, kind, 'engines-gone');
}

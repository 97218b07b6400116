import {
  acceptsTraffic,
  type EngineInfo,
  type EngineInfoWire,
  type EngineKind,
  fromWire,
  mayServeAgain,
} from '@sage/protocol';
import type { ControlPlaneStatus } from '../client/client-options.js';
import { embeddedStartupError } from './wait-for-engines.js';

export interface WantedModel {
  modelId: string;
  kind: EngineKind;
}

/** The wanted models that no live engine of the right kind serves yet. */
export function missingModels(status: ControlPlaneStatus, wanted: readonly WantedModel[]): WantedModel[] {
  return wanted.filter(
    (model) =>
      !status.engines.some(
        (engine) =>
          engine.modelId === model.modelId &&
          engine.engineKind === model.kind &&
          mayServeAgain(engine.status),
      ),
  );
}

/** `POST /v1/management/engines?wait=true`: resolves once the engine is RUNNING (or failed). */
export type StartEngine = (body: { model_id: string; engine_kind: EngineKind }) => Promise<EngineInfoWire>;

/**
 * Start an engine for each default model no engine serves (one at a time: they share the
 * machine's memory). A start that does not end RUNNING fails `create()`.
 */
export async function ensureDefaultEngines(
  status: ControlPlaneStatus,
  wanted: readonly WantedModel[],
  startEngine: StartEngine,
): Promise<EngineInfo[]> {
  const started: EngineInfo[] = [];
  for (const model of missingModels(status, wanted)) {
    const engine = fromWire<EngineInfo>(
      await startEngine({ model_id: model.modelId, engine_kind: model.kind }),
    );
    if (!acceptsTraffic(engine.status)) {
      throw embeddedStartupError(
        `the ${model.kind} engine for '${model.modelId}' is ${engine.status}${engine.lastError ? `: ${engine.lastError}` : ''}`,
      );
    }
    started.push(engine);
  }
  return started;
}

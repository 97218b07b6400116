import { setTimeout as sleepFor } from 'node:timers/promises';
import { acceptsTraffic, type EngineInfo, mayServeAgain, SageError } from '@sage/protocol';
import type { ControlPlaneStatus } from '../client/client-options.js';

function describe(engine: EngineInfo): string {
  const log = engine.logPath ? `; log: ${engine.logPath}` : '';
  const reason = engine.lastError ? `: ${engine.lastError}` : '';
  return `${engine.engineId} (${engine.modelId}) ${engine.status}${reason}${log}`;
}

export function embeddedStartupError(message: string, cause?: unknown): SageError {
  return new SageError({
    name: 'EmbeddedStartupError',
    message: `embedded control plane: ${message}`,
    cause,
  });
}

export interface WaitForEnginesOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
}

/**
 * Poll the status until every engine is RUNNING (or settled); a FAILED engine fails the start
 * with its last error and log path, so an app never runs against a half-started control plane.
 */
export async function waitForEngines(
  readStatus: () => Promise<ControlPlaneStatus>,
  options: WaitForEnginesOptions,
): Promise<ControlPlaneStatus> {
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms));
  const now = options.now ?? Date.now;
  const startedAt = now();
  for (;;) {
    const status = await readStatus();
    const failed = status.engines.filter((engine) => engine.status === 'FAILED');
    if (failed.length > 0) {
      throw embeddedStartupError(`engines failed to start: ${failed.map(describe).join('; ')}`);
    }
    // Waiting longer changes nothing for an engine that serves already or never will on its own.
    const waiting = status.engines.filter(
      (engine) => !acceptsTraffic(engine.status) && mayServeAgain(engine.status),
    );
    if (waiting.length === 0) return status;
    if (now() - startedAt >= options.timeoutMs) {
      throw embeddedStartupError(
        `engines not RUNNING after ${options.timeoutMs} ms: ${waiting.map(describe).join('; ')}`,
      );
    }
    await sleep(options.pollIntervalMs);
  }
}

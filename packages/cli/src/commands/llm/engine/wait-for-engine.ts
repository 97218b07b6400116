import { acceptsTraffic, type EngineInfoWire, mayServeAgain } from '@sage/protocol';
import type { ManagementClient } from '../../../api/management-types.js';
import { CLI_DEFAULTS } from '../../../defaults.js';
import { CliExitError } from '../../../errors.js';
import { EXIT_CODES } from '../../../exit-codes.js';
import { renderDownloadBar } from '../../../output/download-bar.js';
import { formatDevice } from '../../../output/format.js';
import type { Output } from '../../../output/print.js';
import { createProgress } from '../../../output/progress.js';
import type { Sleep } from '../../shared-options.js';

/** `e-1 sage/tiny-chat (llm, sage) RUNNING on 127.0.0.1:8001, CPU`. */
export function describeEngine(engine: EngineInfoWire): string {
  const where = `${engine.host}:${engine.port}`;
  return `${engine.engine_id} ${engine.model_id} (${engine.engine_kind}, ${engine.backend}) ${engine.status} on ${where}, ${formatDevice(engine)}`;
}

/** Print why an engine failed: its last error, then the tail of its own log. */
async function reportFailedEngine(
  client: ManagementClient,
  output: Output,
  engine: EngineInfoWire,
): Promise<void> {
  if (engine.last_error) output.warn(`last error: ${engine.last_error}`);
  try {
    const logs = await client.engineLogs(engine.engine_id, { tail: CLI_DEFAULTS.failedLogTailLines });
    if (logs.lines.length > 0) {
      output.warn(`last ${logs.lines.length} log lines of ${engine.engine_id}:`);
      output.warn(logs.lines.map((line) => `  ${line}`).join('\n'));
    }
  } catch {
    // the engine may be gone already; the last error said what we know
  }
  if (engine.log_path) output.warn(`full log: ${engine.log_path}`);
}

/**
 * Poll an engine until it is RUNNING or has given up (FAILED, stopped); show its state
 * meanwhile (a spinner on a terminal, one line per change elsewhere). Returns the last state.
 */
export async function waitForEngine(
  client: ManagementClient,
  output: Output,
  started: EngineInfoWire,
  options: { sleep: Sleep; pollIntervalMs: number },
): Promise<EngineInfoWire> {
  const progress = createProgress(output);
  let engine = started;
  while (!acceptsTraffic(engine.status) && mayServeAgain(engine.status)) {
    // While DOWNLOADING: the model file's progress bar (size, rate, ETA).
    const download =
      engine.status === 'DOWNLOADING' && engine.download ? ` ${renderDownloadBar(engine.download)}` : '';
    progress.update(`${engine.engine_id} ${engine.model_id}: ${engine.status}${download}`);
    await options.sleep(options.pollIntervalMs);
    engine = await client.getEngine(engine.engine_id);
  }
  progress.done(`${engine.engine_id} ${engine.model_id}: ${engine.status}`);
  return engine;
}

/** After a wait: an engine that is not RUNNING prints why and ends the command with exit code 1. */
export async function failUnlessRunning(
  client: ManagementClient,
  output: Output,
  engine: EngineInfoWire,
): Promise<void> {
  if (acceptsTraffic(engine.status)) return;
  await reportFailedEngine(client, output, engine);
  throw new CliExitError(
    EXIT_CODES.failed,
    `engine ${engine.engine_id} (${engine.model_id}) ${engine.status}`,
  );
}

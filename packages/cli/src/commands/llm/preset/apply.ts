import { SageApiError } from '@sage/llm-core';
import { type Preset, toEngineStartRequests } from '@sage/presets';
import type { EngineInfoWire, PresetApplyWire } from '@sage/protocol';
import type { Command } from 'commander';
import type { ManagementClient } from '../../../api/management-types.js';
import type { CliContext } from '../../../context.js';
import { CLI_DEFAULTS } from '../../../defaults.js';
import { CliExitError } from '../../../errors.js';
import { EXIT_CODES } from '../../../exit-codes.js';
import type { Output } from '../../../output/print.js';
import { engineTable } from '../../../output/tables.js';
import {
  type GatewayFlags,
  outputFor,
  realSleep,
  type Sleep,
  withApiBase,
  withClient,
  withJson,
} from '../../shared-options.js';
import { planTable } from './plan-table.js';
import { loadPresetFromFlags, type PresetSourceFlags } from './preset-source.js';

export interface ApplyPresetOptions {
  /** `--no-rollback` sets false: engines that did start stay up when another fails. */
  rollback: boolean;
  /** Asked before applying; null: do not ask (`--yes`, or nobody at a terminal). */
  confirm: ((question: string) => Promise<boolean>) | null;
  sleep?: Sleep;
  pollIntervalMs?: number;
}

function presetEngineName(engine: EngineInfoWire): string {
  const name = engine.metadata?.preset_engine;
  return typeof name === 'string' ? name : (engine.engine_label ?? engine.engine_id);
}

/**
 * Print one line per state change of the preset's new engines while the gateway applies it,
 * and remember the last state of each (to explain a failure).
 */
function watchPresetEngines(
  client: ManagementClient,
  output: Output,
  preset: Preset,
  known: ReadonlySet<string>,
  options: { sleep: Sleep; pollIntervalMs: number; isDone: () => boolean },
): { seen: Map<string, EngineInfoWire>; finished: Promise<void> } {
  const seen = new Map<string, EngineInfoWire>();
  const finished = (async () => {
    while (!options.isDone()) {
      await options.sleep(options.pollIntervalMs);
      if (options.isDone()) return;
      const engines = await client.listEngines().then(
        (body) => body.engines,
        () => [] as EngineInfoWire[],
      );
      for (const engine of engines) {
        if (known.has(engine.engine_id) || engine.metadata?.preset !== preset.name) continue;
        const before = seen.get(engine.engine_id);
        seen.set(engine.engine_id, engine);
        if (before?.status === engine.status) continue;
        output.note(`  ${presetEngineName(engine)}: ${engine.engine_id} ${engine.model_id} ${engine.status}`);
      }
    }
  })();
  return { seen, finished };
}

/**
 * `sage llm preset apply`: print the plan, ask (on a terminal, without `--yes`), send the
 * parsed preset to `POST /v1/management/presets/apply` and follow its engines until the
 * gateway answers. A failure ends with exit code 1 (the gateway rolls back unless told not to).
 */
export async function applyPreset(
  client: ManagementClient,
  output: Output,
  preset: Preset,
  options: ApplyPresetOptions,
): Promise<PresetApplyWire> {
  output.note(`preset ${preset.name}: ${preset.engines.length} engine(s) on ${client.apiBase}`);
  output.note(planTable(preset));
  if (options.confirm !== null && !(await options.confirm(`apply preset ${preset.name}?`))) {
    throw new CliExitError(EXIT_CODES.failed, 'cancelled: nothing was started');
  }
  const before = await client.listEngines();
  const known = new Set(before.engines.map((engine) => engine.engine_id));
  let done = false;
  const watcher = watchPresetEngines(client, output, preset, known, {
    sleep: options.sleep ?? realSleep,
    pollIntervalMs: options.pollIntervalMs ?? CLI_DEFAULTS.enginePollIntervalMs,
    isDone: () => done,
  });
  let body: PresetApplyWire;
  try {
    body = await client.applyPreset({ preset: { ...preset }, rollback: options.rollback });
  } catch (error) {
    if (!SageApiError.isInstance(error)) throw error;
    for (const engine of watcher.seen.values()) {
      if (engine.last_error)
        output.warn(`${presetEngineName(engine)} (${engine.engine_id}): ${engine.last_error}`);
    }
    // The gateway's message names the failing engine and the engines it stopped again.
    throw new CliExitError(EXIT_CODES.failed, `preset ${preset.name} was not applied: ${error.message}`, {
      cause: error,
    });
  } finally {
    done = true;
    await watcher.finished;
  }
  output.result(body, () => `${engineTable(body.engines)}\npreset ${preset.name} applied`);
  return body;
}

/** `--dry-run`: the plan, and under `--json` the engine start bodies the gateway would get. */
export function planPreset(output: Output, preset: Preset): void {
  output.result(
    { preset: preset.name, engines: toEngineStartRequests(preset) },
    () => `${planTable(preset)}\ndry run: nothing was started`,
  );
}

interface PresetApplyFlags extends PresetSourceFlags, GatewayFlags {
  dryRun?: boolean;
  yes?: boolean;
  rollback?: boolean;
}

export function registerPresetApply(parent: Command, context: CliContext): void {
  const command = parent
    .command('apply')
    .description('start the engines of a preset and wait until they are RUNNING')
    .argument('[name]', 'built-in preset name (see `sage llm preset list`)')
    .option('--file <file>', 'a preset YAML or JSON file')
    .option('--dry-run', 'print the plan only')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-rollback', 'keep the engines that started when another one fails');
  withJson(withApiBase(command)).action(async (name: string | undefined, flags: PresetApplyFlags) => {
    const preset = await loadPresetFromFlags(name, flags, context.cwd);
    const output = outputFor(context, flags);
    if (flags.dryRun) {
      planPreset(output, preset);
      return;
    }
    const ask = flags.yes !== true && context.stdinIsTTY && output.interactive;
    await withClient(context, flags, (client) =>
      applyPreset(client, output, preset, {
        rollback: flags.rollback !== false,
        confirm: ask ? context.confirm : null,
      }),
    );
  });
}

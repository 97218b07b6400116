import type { Preset } from '@sage/presets';
import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { type Output, renderFields } from '../../../output/print.js';
import { outputFor, withJson } from '../../shared-options.js';
import { planTable } from './plan-table.js';
import { loadPresetFromFlags, type PresetSourceFlags } from './preset-source.js';

/** The human form of a preset: name, description, then its engines. */
function renderPreset(preset: Preset): string {
  const fields = renderFields([
    ['name', preset.name],
    ['description', preset.description ?? '-'],
    ['engines', String(preset.engines.length)],
  ]);
  return `${fields}\n\n${planTable(preset)}`;
}

/** `sage llm preset show NAME|--file F`: the preset with defaults applied (`--json`: as YAML keys). */
export function showPreset(output: Output, preset: Preset): Preset {
  output.result(preset, () => renderPreset(preset));
  return preset;
}

export function registerPresetShow(parent: Command, context: CliContext): void {
  const command = parent
    .command('show')
    .description('show a preset: a built-in NAME or a --file')
    .argument('[name]', 'built-in preset name (see `sage llm preset list`)')
    .option('--file <file>', 'a preset YAML or JSON file');
  withJson(command).action(
    async (name: string | undefined, flags: PresetSourceFlags & { json?: boolean }) => {
      const preset = await loadPresetFromFlags(name, flags, context.cwd);
      showPreset(outputFor(context, flags), preset);
    },
  );
}

import { listBuiltinPresets, type Preset } from '@sage/presets';
import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { type Output, renderTable } from '../../../output/print.js';
import { outputFor, withJson } from '../../shared-options.js';

/** `sage llm preset list`: the built-in presets (no gateway needed). */
export function listPresets(output: Output): Preset[] {
  const presets = listBuiltinPresets();
  output.result(presets, () =>
    renderTable(
      [{ header: 'name' }, { header: 'engines' }, { header: 'description' }],
      presets.map((preset) => [
        preset.name,
        preset.engines.map((engine) => engine.model).join(', '),
        preset.description ?? '',
      ]),
    ),
  );
  return presets;
}

export function registerPresetList(parent: Command, context: CliContext): void {
  const command = parent.command('list').alias('ls').description('list the built-in presets');
  withJson(command).action(async (flags: { json?: boolean }) => {
    listPresets(outputFor(context, flags));
  });
}

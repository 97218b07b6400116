import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { registerPresetApply } from './apply.js';
import { registerPresetList } from './list.js';
import { registerPresetShow } from './show.js';

/** `sage llm preset …`. */
export function registerPresetCommands(llm: Command, context: CliContext): void {
  const preset = llm.command('preset').description('list, show and apply presets (sets of engines)');
  registerPresetList(preset, context);
  registerPresetShow(preset, context);
  registerPresetApply(preset, context);
}

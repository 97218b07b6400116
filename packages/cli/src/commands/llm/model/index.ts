import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { registerModelList } from './list.js';
import { registerModelLoad } from './load.js';

/** `sage llm model …`: the model catalog (docs/models.md). */
export function registerModelCommands(llm: Command, context: CliContext): void {
  const model = llm.command('model').description('catalog models: list, load and unload');
  registerModelList(model, context);
  registerModelLoad(model, context);
}

import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { registerModelCache } from './cache.js';
import { registerModelList } from './list.js';
import { registerModelLoad } from './load.js';
import { registerModelPull } from './pull.js';
import { registerModelRemove } from './rm.js';

/** `sage llm model …`: the model catalog and the model cache (docs/models.md). */
export function registerModelCommands(llm: Command, context: CliContext): void {
  const model = llm
    .command('model')
    .description('catalog models (list, load, unload) and model files (pull, cache, rm)');
  registerModelList(model, context);
  registerModelLoad(model, context);
  registerModelPull(model, context);
  registerModelCache(model, context);
  registerModelRemove(model, context);
}

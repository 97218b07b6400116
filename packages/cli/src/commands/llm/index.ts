import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerChat } from './chat.js';
import { registerEmbed } from './embed.js';
import { registerEngineCommands } from './engine/index.js';
import { registerGpu } from './gpu.js';
import { registerModelCommands } from './model/index.js';
import { registerPresetCommands } from './preset/index.js';
import { registerServe } from './serve.js';
import { registerStatus } from './status.js';

/** `sage llm …`. */
export function registerLlmCommands(program: Command, context: CliContext): void {
  const llm = program.command('llm').description('engines, models, GPUs, presets, chat and embeddings');
  registerEngineCommands(llm, context);
  registerModelCommands(llm, context);
  registerGpu(llm, context);
  registerStatus(llm, context);
  registerPresetCommands(llm, context);
  registerServe(llm, context);
  registerChat(llm, context);
  registerEmbed(llm, context);
}

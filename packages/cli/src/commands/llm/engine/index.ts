import type { Command } from 'commander';
import type { CliContext } from '../../../context.js';
import { registerEngineDescribe } from './describe.js';
import { registerEngineList } from './list.js';
import { registerEngineLogs } from './logs.js';
import { registerEnginePrune } from './prune.js';
import { registerEngineRestart } from './restart.js';
import { registerEngineStart } from './start.js';
import { registerEngineStop } from './stop.js';

/** `sage llm engine …`. */
export function registerEngineCommands(llm: Command, context: CliContext): void {
  const engine = llm.command('engine').description('start, list, stop and inspect engines');
  registerEngineStart(engine, context);
  registerEngineList(engine, context);
  registerEngineDescribe(engine, context);
  registerEngineStop(engine, context);
  registerEngineRestart(engine, context);
  registerEngineLogs(engine, context);
  registerEnginePrune(engine, context);
}

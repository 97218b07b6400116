import { Command } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerGatewayCommands } from './commands/gateway/index.js';
import { registerLlmCommands } from './commands/llm/index.js';
import type { CliContext } from './context.js';
import { EXIT_CODES } from './exit-codes.js';

const EXIT_CODE_HELP = `
Exit codes: ${EXIT_CODES.ok} ok, ${EXIT_CODES.failed} operation failed, ${EXIT_CODES.usage} usage error, ${EXIT_CODES.gatewayUnreachable} gateway unreachable.
Docs: docs/cli.md`;

/**
 * The `sage` program. Commander throws instead of exiting (`exitOverride`), so `bin/sage.ts`
 * alone decides the exit code.
 *
 * @example
 * ```ts
 * await buildProgram(context).parseAsync(['llm', 'engine', 'list', '--json'], { from: 'user' });
 * ```
 */
export function buildProgram(context: CliContext): Command {
  const program = new Command('sage')
    .description('sageLLM: run and manage LLM and embedding engines behind one OpenAI-compatible gateway')
    .version(context.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .addHelpText('after', EXIT_CODE_HELP)
    .configureOutput({
      writeOut: (text) => context.terminal.write(text),
      writeErr: (text) => context.terminal.writeError(text),
    });
  registerGatewayCommands(program, context);
  registerLlmCommands(program, context);
  registerCompletion(program, context);
  applyToAll(program, (command) => {
    command.exitOverride();
    command.showHelpAfterError('(add --help for usage)');
  });
  return program;
}

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const child of command.commands) applyToAll(child, apply);
}

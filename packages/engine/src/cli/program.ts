import { ValidationError } from '@sage/protocol';
import { Command } from 'commander';
import {
  DEFAULT_CONTEXT_SIZE,
  DEFAULT_HOST,
  DEFAULT_PARALLEL,
  QUEUE_SLOTS_PER_PARALLEL,
  TINY_MODEL_CONTEXT_SIZE,
} from '../defaults.js';
import type { EngineOptions } from '../server/engine-options.js';
import { EngineCliInput, type EngineEnvironment, resolveEngineOptions } from './engine-cli-input.js';

/** camelCase option key → its `--kebab-case` flag. */
function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** The `sage-engine` command line. Commander throws instead of exiting (`exitOverride`). */
function buildProgram(): Command {
  return new Command('sage-engine')
    .description('An OpenAI-compatible inference engine over node-llama-cpp (chat, completions, embeddings).')
    .requiredOption('--model <spec>', 'a local .gguf file, an hf: URI, or sage/tiny-chat | sage/tiny-embed')
    .option('--kind <kind>', "llm or embedding (default: the tiny model's kind, else llm)")
    .option('--host <host>', 'address to bind', DEFAULT_HOST)
    .requiredOption(
      '--port <port>',
      'port to bind (0: any free port, printed in the "engine listening" log line)',
    )
    .option('--device <device>', 'cpu or cuda (cuda never falls back to CPU)', 'cpu')
    .option('--threads <n>', 'llama.cpp threads (default: 1 on ≤ 2 cores, else cores − 1)')
    .option(
      '--context-size <n>',
      `tokens per sequence (default: ${TINY_MODEL_CONTEXT_SIZE} for tiny models, else ${DEFAULT_CONTEXT_SIZE})`,
    )
    .option('--parallel <n>', `requests served at once (default: ${DEFAULT_PARALLEL})`)
    .option(
      '--max-queue <n>',
      `requests waiting beyond --parallel before 429 (default: ${QUEUE_SLOTS_PER_PARALLEL} × parallel)`,
    )
    .option('--served-model-name <name>', 'model name in the API (default: the --model spec)')
    .option(
      '--models-dir <dir>',
      'where tiny models are generated and hf: models downloaded (default: $SAGE_HOME/models, else ~/.sage/models)',
    )
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    });
}

/** Parse `sage-engine` arguments (without node and the script) into resolved options. Throws ValidationError on bad input. */
export function parseEngineArguments(argv: readonly string[], environment: EngineEnvironment): EngineOptions {
  const program = buildProgram();
  program.parse(argv as string[], { from: 'user' });
  const result = EngineCliInput.safeParse(program.opts());
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({
      path: flagOf(String(issue.path[0] ?? '')),
      message: issue.message,
    }));
    throw new ValidationError({
      message: `invalid options: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      path: issues[0]?.path ?? '',
      issues,
    });
  }
  return resolveEngineOptions(result.data, environment);
}

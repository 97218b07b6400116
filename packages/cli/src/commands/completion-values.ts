import { listBuiltinPresets } from '@sage/presets';
import type { Command } from 'commander';
import { findGateway } from '../api/find-gateway.js';
import type { CliContext } from '../context.js';
import { CLI_DEFAULTS } from '../defaults.js';

/** What a dynamic completion offers: engine ids, built-in preset names, catalog model names. */
export const COMPLETION_KINDS = ['engine', 'preset', 'model'] as const;
export type CompletionKind = (typeof COMPLETION_KINDS)[number];

/** Commands whose first argument is completed dynamically (their paths from the root). */
export const DYNAMIC_ARGUMENTS: Readonly<Record<string, CompletionKind>> = {
  'llm engine stop': 'engine',
  'llm engine restart': 'engine',
  'llm engine logs': 'engine',
  'llm engine describe': 'engine',
  'llm preset show': 'preset',
  'llm preset apply': 'preset',
  'llm model load': 'model',
  'llm model unload': 'model',
};

/** Flags whose value is completed dynamically, wherever they appear. */
export const DYNAMIC_FLAGS: Readonly<Record<string, CompletionKind>> = {
  '--preset': 'preset',
  '--model': 'model',
};

/** The hidden command the completion scripts run: `sage __complete <kind>`. */
export const COMPLETE_COMMAND = '__complete';

/**
 * The candidates of `kind`, one per entry. Engine ids and catalog models come from the gateway
 * {@link findGateway} finds, within {@link CLI_DEFAULTS.completionTimeoutMs}; a gateway that is
 * not there (or anything else going wrong) gives no candidates, never an error: a completion
 * must not print into the user's command line.
 */
async function completionValues(
  context: CliContext,
  kind: CompletionKind,
  flags: { apiBase?: string } = {},
): Promise<string[]> {
  try {
    if (kind === 'preset') return listBuiltinPresets().map((preset) => preset.name);
    const { apiBase } = await findGateway(flags.apiBase, context.env);
    const client = context.createClient(apiBase, { timeoutMs: CLI_DEFAULTS.completionTimeoutMs });
    try {
      if (kind === 'engine') return (await client.listEngines()).engines.map((engine) => engine.engine_id);
      const { models } = await client.listCatalog();
      return [...new Set(models.flatMap((model) => [model.name, ...model.aliases]))];
    } finally {
      await client.close().catch(() => undefined);
    }
  } catch {
    return [];
  }
}

/** `sage __complete engine|preset|model [--api-base URL]`: hidden; what the completion scripts call. */
export function registerCompleteValues(program: Command, context: CliContext): void {
  program
    .command(COMPLETE_COMMAND, { hidden: true })
    .description('print completion candidates, one per line (for the completion scripts)')
    .argument('<kind>', COMPLETION_KINDS.join(' | '))
    .option('--api-base <url>', 'gateway API base')
    .action(async (kind: string, flags: { apiBase?: string }) => {
      if (!(COMPLETION_KINDS as readonly string[]).includes(kind)) return;
      const values = await completionValues(context, kind as CompletionKind, flags);
      if (values.length > 0) context.terminal.write(`${values.join('\n')}\n`);
    });
}

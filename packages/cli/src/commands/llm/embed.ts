import type { Command } from 'commander';
import { createInferenceClient, type InferenceClient } from '../../api/inference-client.js';
import type { CliContext } from '../../context.js';
import { NonEmptyFlag, parseFlag, parseOptionalFlag } from '../../input/flags.js';
import { type Output, renderFields } from '../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withJson } from '../shared-options.js';
import { withInferenceClient } from './chat.js';

/** Values of a vector shown in the human output. */
const SHOWN_VALUES = 8;

/**
 * `sage llm embed "text" [--model M]`: the embedding of one text. `--json`:
 * `{ model, embeddings, usage: { prompt_tokens, total_tokens } }`.
 */
export async function embed(
  client: InferenceClient,
  output: Output,
  text: string,
  options: { model?: string },
): Promise<void> {
  const result = await client.embed(text, options.model === undefined ? {} : { model: options.model });
  const vector = result.embeddings[0] ?? [];
  const wire = {
    model: result.model,
    embeddings: result.embeddings,
    usage: { prompt_tokens: result.usage.promptTokens, total_tokens: result.usage.totalTokens },
  };
  output.result(wire, () => {
    const shown = vector.slice(0, SHOWN_VALUES).map((value) => value.toFixed(4));
    const more = vector.length > SHOWN_VALUES ? ', …' : '';
    return renderFields([
      ['model', result.model],
      ['dimensions', String(vector.length)],
      ['tokens', String(result.usage.promptTokens)],
      ['vector', `[${shown.join(', ')}${more}]`],
    ]);
  });
}

export function registerEmbed(llm: Command, context: CliContext, factory = createInferenceClient): void {
  const command = llm
    .command('embed')
    .description('embed one text and print the vector')
    .argument('<text>', 'the text')
    .option('--model <model>', "model id or engine label (default: the gateway's default embedding model)");
  withJson(withApiBase(command)).action(async (text: string, flags: GatewayFlags & { model?: string }) => {
    const input = parseFlag('TEXT', NonEmptyFlag, text);
    const model = parseOptionalFlag('--model', NonEmptyFlag, flags.model);
    await withInferenceClient(context, flags, factory, (client) =>
      embed(client, outputFor(context, flags), input, model === undefined ? {} : { model }),
    );
  });
}

import type { Command } from 'commander';
import { findGateway } from '../../api/find-gateway.js';
import {
  createInferenceClient,
  type InferenceClient,
  type InferenceClientFactory,
  toCliError,
} from '../../api/inference-client.js';
import type { CliContext } from '../../context.js';
import { NonEmptyFlag, parseFlag, parseOptionalFlag } from '../../input/flags.js';
import type { Output } from '../../output/print.js';
import { type GatewayFlags, outputFor, withApiBase, withJson } from '../shared-options.js';

/**
 * `sage llm chat "text" [--model M] [--stream]`: one user message through the scheduler.
 * `--json`: the chat completion (streaming: one chunk object per line).
 */
export async function chat(
  client: InferenceClient,
  output: Output,
  text: string,
  options: { model?: string; stream: boolean },
): Promise<void> {
  const callOptions = options.model === undefined ? {} : { model: options.model };
  if (!options.stream) {
    const completion = await client.chat(text, callOptions);
    output.result(completion, () => completion.choices[0]?.message.content ?? '');
    return;
  }
  for await (const chunk of client.chatStream(text, callOptions)) {
    if (output.json) output.raw(`${JSON.stringify(chunk)}\n`);
    else output.raw(chunk.choices[0]?.delta?.content ?? '');
  }
  if (!output.json) output.raw('\n');
}

/** Run `work` with a client from `UnifiedInferenceClient.create()`, its errors mapped to exits. */
export async function withInferenceClient(
  context: CliContext,
  flags: { apiBase?: string },
  factory: InferenceClientFactory,
  work: (client: InferenceClient) => Promise<void>,
): Promise<void> {
  const { apiBase } = await findGateway(flags.apiBase, context.env);
  let client: InferenceClient | undefined;
  try {
    client = await factory({ controlPlaneUrl: apiBase });
    await work(client);
  } catch (error) {
    throw toCliError(error, apiBase);
  } finally {
    await client?.close();
  }
}

export function registerChat(llm: Command, context: CliContext, factory = createInferenceClient): void {
  const command = llm
    .command('chat')
    .description('send one chat message and print the answer')
    .argument('<text>', 'the message')
    .option('--model <model>', "model id or engine label (default: the gateway's default LLM)")
    .option('--stream', 'print the answer as it is generated');
  withJson(withApiBase(command)).action(
    async (text: string, flags: GatewayFlags & { model?: string; stream?: boolean }) => {
      const message = parseFlag('TEXT', NonEmptyFlag, text);
      const model = parseOptionalFlag('--model', NonEmptyFlag, flags.model);
      await withInferenceClient(context, flags, factory, (client) =>
        chat(client, outputFor(context, flags), message, {
          ...(model === undefined ? {} : { model }),
          stream: flags.stream === true,
        }),
      );
    },
  );
}

import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChatMessage } from '@sage/protocol';
import type { Command } from 'commander';
import { findGateway } from '../../api/find-gateway.js';
import {
  createInferenceClient,
  type InferenceClient,
  type InferenceClientFactory,
  toCliError,
} from '../../api/inference-client.js';
import type { CliContext } from '../../context.js';
import { usageError } from '../../errors.js';
import { gatewayPaths } from '../../gateway/state-directory.js';
import { NonEmptyFlag, parseFlag, parseOptionalFlag } from '../../input/flags.js';
import type { Output } from '../../output/print.js';
import { terminalSafe } from '../../output/sanitize.js';
import { type GatewayFlags, outputFor, withApiBase, withJson } from '../shared-options.js';

/** Options of one chat turn. */
export interface ChatOptions {
  model?: string;
  stream: boolean;
}

/**
 * One turn: `messages` (one user message, or the conversation so far) through the scheduler.
 * People get the answer's text with control characters removed ({@link terminalSafe}); `--json`
 * gets the chat completion unchanged (streaming: one chunk object per line). Returns the
 * answer's text as the model wrote it (the next turn sends it back unchanged).
 */
export async function chat(
  client: InferenceClient,
  output: Output,
  messages: string | ChatMessage[],
  options: ChatOptions,
): Promise<string> {
  const callOptions = options.model === undefined ? {} : { model: options.model };
  if (!options.stream) {
    const completion = await client.chat(messages, callOptions);
    const content = completion.choices[0]?.message.content ?? '';
    output.result(completion, () => terminalSafe(content));
    return content;
  }
  let content = '';
  for await (const chunk of client.chatStream(messages, callOptions)) {
    const piece = chunk.choices[0]?.delta?.content ?? '';
    content += piece;
    if (output.json) output.raw(`${JSON.stringify(chunk)}\n`);
    else output.raw(terminalSafe(piece));
  }
  if (!output.json) output.raw('\n');
  return content;
}

const REPL_HELP = [
  '/exit, /quit   end the conversation (or Ctrl-D)',
  '/reset         forget the conversation so far',
  '/history       print the conversation so far',
  '/help          this list',
].join('\n');

/** Options of {@link chatRepl}. */
export interface ChatReplOptions extends ChatOptions {
  /** Lines typed or piped in. */
  input: NodeJS.ReadableStream;
  /** Show a prompt and keep line history (a person at a terminal). */
  interactive: boolean;
  /** A system message at the start of the conversation. */
  system?: string;
  /** File of earlier input lines (arrow-up history); none when undefined. */
  historyFile?: string;
}

/** How many input lines the history file keeps offering. */
const HISTORY_LINES = 500;

async function loadHistory(file: string | undefined): Promise<string[]> {
  if (file === undefined) return [];
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).slice(-HISTORY_LINES).reverse();
  } catch {
    return [];
  }
}

async function remember(file: string | undefined, line: string): Promise<void> {
  if (file === undefined) return;
  try {
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, `${line.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: an unwritable state directory does not end the conversation.
  }
}

function renderHistory(messages: readonly ChatMessage[]): string {
  if (messages.length === 0) return '(no messages yet)';
  return messages
    .map(
      (message) =>
        `${message.role}: ${terminalSafe(typeof message.content === 'string' ? message.content : JSON.stringify(message.content))}`,
    )
    .join('\n');
}

/**
 * `sage llm chat` without TEXT: a conversation, one line per user turn, each answer streamed
 * (control characters removed), the whole conversation sent every turn. Ends on `/exit`,
 * `/quit` or end of input. Returns the conversation.
 */
export async function chatRepl(
  client: InferenceClient,
  output: Output,
  options: ChatReplOptions,
): Promise<ChatMessage[]> {
  const start: ChatMessage[] =
    options.system === undefined ? [] : [{ role: 'system', content: options.system }];
  let messages: ChatMessage[] = [...start];
  const history = options.interactive ? await loadHistory(options.historyFile) : [];
  const lines = createInterface({
    input: options.input,
    ...(options.interactive
      ? { output: process.stdout, terminal: true, history, historySize: HISTORY_LINES, prompt: 'you> ' }
      : { terminal: false }),
  });
  if (options.interactive) {
    output.note(
      `chatting with ${options.model ?? "the gateway's default model"}; /help for commands, /exit to end`,
    );
    lines.prompt();
  }
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (line === '') {
        if (options.interactive) lines.prompt();
        continue;
      }
      if (line === '/exit' || line === '/quit') break;
      if (line === '/reset') {
        messages = [...start];
        output.note('(conversation forgotten)');
      } else if (line === '/history') {
        output.note(renderHistory(messages));
      } else if (line === '/help') {
        output.note(REPL_HELP);
      } else if (line.startsWith('/')) {
        output.warn(`unknown command ${line.split(/\s/)[0]}; /help lists them`);
      } else {
        if (options.interactive) await remember(options.historyFile, line);
        messages.push({ role: 'user', content: line });
        const answer = await chat(client, output, messages, { ...options, stream: !output.json });
        messages.push({ role: 'assistant', content: answer });
      }
      if (options.interactive) lines.prompt();
    }
  } finally {
    lines.close();
  }
  return messages;
}

/** Run `work` with a client from `UnifiedInferenceClient.create()`, its errors mapped to exits. */
export async function withInferenceClient(
  context: CliContext,
  flags: { apiBase?: string },
  factory: InferenceClientFactory,
  work: (client: InferenceClient) => Promise<unknown>,
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

type ChatFlags = GatewayFlags & { model?: string; stream?: boolean; system?: string };

export function registerChat(llm: Command, context: CliContext, factory = createInferenceClient): void {
  const command = llm
    .command('chat')
    .description('send one chat message and print the answer; without TEXT, a conversation')
    .argument('[text]', 'the message (omit it for a conversation: one line per turn, /exit to end)')
    .option('--model <model>', "model id or engine label (default: the gateway's default LLM)")
    .option('--stream', 'print the answer as it is generated (a conversation always streams)')
    .option('--system <text>', 'a system message at the start of a conversation');
  withJson(withApiBase(command)).action(async (text: string | undefined, flags: ChatFlags) => {
    const model = parseOptionalFlag('--model', NonEmptyFlag, flags.model);
    const system = parseOptionalFlag('--system', NonEmptyFlag, flags.system);
    const message = text === undefined ? undefined : parseFlag('TEXT', NonEmptyFlag, text);
    const output = outputFor(context, flags);
    await withInferenceClient(context, flags, factory, (client) => {
      const modelOption = model === undefined ? {} : { model };
      if (message !== undefined) {
        const messages: string | ChatMessage[] =
          system === undefined
            ? message
            : [
                { role: 'system', content: system },
                { role: 'user', content: message },
              ];
        return chat(client, output, messages, { ...modelOption, stream: flags.stream === true });
      }
      const input = context.stdin;
      if (input === undefined)
        throw usageError('TEXT: give a message, or run `sage llm chat` with a standard input');
      const interactive = context.stdinIsTTY && context.terminal.isTTY && !output.json;
      return chatRepl(client, output, {
        ...modelOption,
        stream: true,
        input,
        interactive,
        ...(system === undefined ? {} : { system }),
        historyFile: join(gatewayPaths(context.env).stateDirectory, 'chat-history'),
      });
    });
  });
}

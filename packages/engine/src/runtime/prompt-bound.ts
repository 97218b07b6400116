import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PromptTooLongError } from '../errors.js';

/** llama.cpp token types (`tokenizer.ggml.token_type`) that never stand for prompt text, and byte tokens. */
const CONTROL_TYPES = new Set([2, 3, 5]);
const BYTE_TYPE = 6;
/** When the vocabulary is unknown: longer than any token of the common vocabularies. */
const UNKNOWN_VOCABULARY_TOKEN_CHARS = 128;
/** Prompt text is counted in pieces of about this many characters, yielding between pieces. */
export const PROMPT_CHUNK_CHARS = 2048;

/**
 * The most characters (UTF-16 units) of text one token of the vocabulary can stand for: the
 * longest normal token (its `▁`/`Ġ` markers stand for one character each, and byte-level BPE
 * pieces have one character per byte, never fewer than the text's UTF-16 units), 1 for byte
 * tokens, 0 for control tokens. So a prompt of `n` characters has at least `n / this` tokens.
 */
export function longestTokenChars(
  tokens: readonly string[] | undefined,
  types: readonly number[] | undefined,
): number {
  if (!tokens || tokens.length === 0) return UNKNOWN_VOCABULARY_TOKEN_CHARS;
  let longest = 1;
  for (const [index, token] of tokens.entries()) {
    const type = types?.[index] ?? 1;
    if (CONTROL_TYPES.has(type) || type === BYTE_TYPE) continue;
    if (token.length > longest) longest = token.length;
  }
  return longest;
}

/** Split `text` into pieces of at most `size` characters, before a space where one is near, never inside a surrogate pair. */
export function promptChunks(text: string, size: number): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    let end = start + size;
    const space = text.lastIndexOf(' ', end);
    if (space > start + size / 2) end = space;
    const code = text.charCodeAt(end);
    if (code >= 0xdc00 && code <= 0xdfff) end -= 1;
    chunks.push(text.slice(start, end));
    start = end;
  }
  chunks.push(text.slice(start));
  return chunks;
}

/** Options of {@link PromptBound}. */
export interface PromptBoundOptions {
  /** Tokens per sequence. */
  contextSize: number;
  /** See {@link longestTokenChars}. */
  maxTokenChars: number;
  /** Tokens of one piece of text; `continuation` for pieces after the first (no leading space added). */
  countTokens(text: string, continuation: boolean): number;
}

/**
 * Refuses prompts that cannot fit the context before the whole prompt is tokenised (issue 12:
 * llama.cpp tokenises a long word in quadratic time, on the event loop, so one 1 MB prompt
 * froze the engine and failed its health checks):
 * 1. more characters than the context could hold at {@link longestTokenChars} each → refused
 *    at once, nothing tokenised;
 * 2. a prompt longer than one piece is counted piece by piece ({@link PROMPT_CHUNK_CHARS}),
 *    yielding to the event loop between pieces, and refused as soon as the count passes the
 *    context by more than piece boundaries can account for.
 * What passes is at most about one context of tokens, which the caller then tokenises whole.
 */
export class PromptBound {
  constructor(private readonly options: PromptBoundOptions) {}

  /** Throws {@link PromptTooLongError} for texts that together cannot fit the context. */
  async check(texts: readonly string[], param: string | null = null): Promise<void> {
    const { contextSize, maxTokenChars } = this.options;
    const chars = texts.reduce((sum, text) => sum + text.length, 0);
    if (chars > contextSize * maxTokenChars) {
      throw new PromptTooLongError(contextSize, Math.ceil(chars / maxTokenChars), param);
    }
    if (chars <= PROMPT_CHUNK_CHARS) return;
    const size = Math.max(PROMPT_CHUNK_CHARS, 64 * maxTokenChars);
    // A boundary can change the count by about the tokens two pieces' edges hold.
    const slackPerBoundary = 2 * maxTokenChars;
    let estimate = 0;
    let boundaries = 0;
    for (const text of texts) {
      for (const [index, chunk] of promptChunks(text, size).entries()) {
        await yieldToEventLoop();
        estimate += this.options.countTokens(chunk, index > 0);
        if (index > 0) boundaries += 1;
        if (estimate - boundaries * slackPerBoundary > contextSize) {
          throw new PromptTooLongError(contextSize, estimate - boundaries * slackPerBoundary, param);
        }
      }
    }
    await yieldToEventLoop();
  }
}

/**
 * What the HTTP layer needs from a loaded model. The node-llama-cpp implementations live beside
 * this file; route tests use fakes.
 */

export type FinishReason = 'stop' | 'length';

export interface SamplingParams {
  maxTokens: number;
  temperature: number;
  topP?: number | undefined;
  seed?: number | undefined;
  stop: string[];
}

export interface GenerationHooks {
  /** Aborts the generation (client disconnect, shutdown). The result then has `aborted: true`. */
  signal: AbortSignal;
  /** Called with each piece of text as tokens are generated. */
  onText(text: string): void;
  /** Called with the number of tokens behind each piece of text (for live metrics). */
  onTokens(count: number): void;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  /** Tokens sampled by the model. */
  completionTokens: number;
  aborted: boolean;
}

/** A prompt tokenised and checked, ready to generate from. */
export interface PreparedGeneration {
  /** Tokens of the prompt as the model evaluates it (beginning-of-sequence token included). */
  promptTokens: number;
  generate(params: SamplingParams, hooks: GenerationHooks): Promise<GenerationResult>;
}

/** A chat turn after validation: text only. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationModel {
  readonly kind: 'llm';
  /** Tokens per sequence. */
  readonly contextSize: number;
  /** `max_tokens` when a request leaves it out; undefined: the rest of the context. */
  readonly defaultMaxTokens: number | undefined;
  /**
   * Tokenise and check a prompt. One that cannot fit the context is refused with
   * `PromptTooLongError` before it is tokenised whole; long prompts are counted in bounded
   * pieces that yield to the event loop, so `/health` keeps answering.
   */
  prepareChat(turns: ChatTurn[]): Promise<PreparedGeneration>;
  prepareCompletion(prompt: string): Promise<PreparedGeneration>;
  close(): Promise<void>;
}

/** One embedding input: text, or token ids. */
export type EmbeddingInput = string | number[];

export interface EmbeddingModel {
  readonly kind: 'embedding';
  readonly contextSize: number;
  readonly dimensions: number;
  /** Number of tokens in the vocabulary (token-id inputs must be below it). */
  readonly vocabularySize: number;
  /**
   * Tokens the model evaluates for this input (special tokens included). Text that cannot fit
   * the context is refused with `PromptTooLongError` (param `param`) before it is tokenised whole.
   */
  countTokens(input: EmbeddingInput, param?: string): Promise<number>;
  /** Raw (unnormalised) embedding of one input. */
  embed(input: EmbeddingInput): Promise<readonly number[]>;
  close(): Promise<void>;
}

export type ServingModel = GenerationModel | EmbeddingModel;

import {
  type ChatHistoryItem,
  LlamaChat,
  type LlamaChatResponse,
  LlamaCompletion,
  type LlamaCompletionResponse,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  resolveChatWrapper,
} from 'node-llama-cpp';
import { toChatHistory } from './chat-history.js';
import { longestTokenChars, PromptBound } from './prompt-bound.js';
import type {
  ChatTurn,
  FinishReason,
  GenerationHooks,
  GenerationModel,
  GenerationResult,
  PreparedGeneration,
  SamplingParams,
} from './serving-model.js';

type StopReason =
  | LlamaCompletionResponse['metadata']['stopReason']
  | LlamaChatResponse['metadata']['stopReason'];

function finishReason(stopReason: StopReason): FinishReason {
  return stopReason === 'maxTokens' ? 'length' : 'stop';
}

/** node-llama-cpp's generation options for an OpenAI request. */
function generationOptions(params: SamplingParams, hooks: GenerationHooks) {
  return {
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    topP: params.topP,
    seed: params.seed,
    customStopTriggers: params.stop.length > 0 ? params.stop : undefined,
    signal: hooks.signal,
    stopOnAbortSignal: true,
    onTextChunk: (text: string) => hooks.onText(text),
    onToken: (tokens: readonly unknown[]) => hooks.onTokens(tokens.length),
  };
}

/**
 * Chat and completion over one llama.cpp context with `parallel` sequences. Each generation takes
 * a fresh sequence and disposes it after; the caller (the request slots) guarantees that no more
 * than `parallel` generations run at once.
 */
export class LlamaGenerationModel implements GenerationModel {
  readonly kind = 'llm';
  private readonly chatWrapper;
  private readonly bound: PromptBound;

  constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly defaultMaxTokens: number | undefined,
  ) {
    this.chatWrapper = resolveChatWrapper(model);
    const vocabulary = model.fileInfo.metadata.tokenizer?.ggml;
    this.bound = new PromptBound({
      contextSize: context.contextSize,
      maxTokenChars: longestTokenChars(vocabulary?.tokens, vocabulary?.token_type as number[] | undefined),
      countTokens: (text, continuation) =>
        model.tokenize(text, false, continuation ? 'trimLeadingSpace' : undefined).length,
    });
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /** The prompt is bounded against the context before it is tokenised whole (see {@link PromptBound}). */
  async prepareChat(turns: ChatTurn[]): Promise<PreparedGeneration> {
    await this.bound.check(turns.map((turn) => turn.content));
    const history = toChatHistory(turns);
    const { contextText } = this.chatWrapper.generateContextState({ chatHistory: history });
    return {
      promptTokens: contextText.tokenize(this.model.tokenizer).length,
      generate: (params, hooks) => this.generateChat(history, params, hooks),
    };
  }

  async prepareCompletion(prompt: string): Promise<PreparedGeneration> {
    await this.bound.check([prompt]);
    const beginning = this.model.tokens.shouldPrependBosToken ? 1 : 0;
    const tokens = this.model.tokenize(prompt, false, beginning ? 'trimLeadingSpace' : undefined);
    return {
      promptTokens: beginning + tokens.length,
      generate: (params, hooks) => this.generateCompletion(prompt, params, hooks),
    };
  }

  private async generateChat(
    history: ChatHistoryItem[],
    params: SamplingParams,
    hooks: GenerationHooks,
  ): Promise<GenerationResult> {
    return this.withSequence(hooks, async (sequence) => {
      const chat = new LlamaChat({
        contextSequence: sequence,
        chatWrapper: this.chatWrapper,
        autoDisposeSequence: false,
      });
      try {
        const { response, metadata } = await chat.generateResponse(history, generationOptions(params, hooks));
        return { text: response, stopReason: metadata.stopReason };
      } finally {
        await chat.dispose();
      }
    });
  }

  private async generateCompletion(
    prompt: string,
    params: SamplingParams,
    hooks: GenerationHooks,
  ): Promise<GenerationResult> {
    return this.withSequence(hooks, async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
      try {
        const { response, metadata } = await completion.generateCompletionWithMeta(
          prompt,
          generationOptions(params, hooks),
        );
        return { text: response, stopReason: metadata.stopReason };
      } finally {
        await completion.dispose();
      }
    });
  }

  private async withSequence(
    hooks: GenerationHooks,
    run: (sequence: LlamaContextSequence) => Promise<{ text: string; stopReason: StopReason }>,
  ): Promise<GenerationResult> {
    const sequence = this.context.getSequence();
    try {
      const { text, stopReason } = await run(sequence);
      return {
        text,
        finishReason: finishReason(stopReason),
        completionTokens: sequence.tokenMeter.usedOutputTokens,
        aborted: hooks.signal.aborted,
      };
    } finally {
      await sequence.dispose();
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

import type { Usage } from '@sage/protocol';
import type { Logger } from 'pino';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type {
  FinishReason,
  GenerationResult,
  PreparedGeneration,
  SamplingParams,
} from '../runtime/serving-model.js';
import type { RequestSlots } from '../scheduling/request-slots.js';
import { HttpError, toErrorAnswer } from './http-error.js';
import { SSE_DONE, SSE_HEADERS, sseData } from './sse.js';

/** How one endpoint shapes its answers (chat vs legacy completions). */
export interface GenerationFormat {
  /** The non-streaming body. */
  completeBody(result: GenerationResult, usage: Usage): unknown;
  /** Chunks sent before any text (chat: the assistant role). */
  openingChunks(): unknown[];
  textChunk(text: string): unknown;
  finalChunk(finishReason: FinishReason): unknown;
  usageChunk(usage: Usage): unknown;
}

export interface ServeGenerationOptions {
  endpoint: string;
  prepared: PreparedGeneration;
  params: SamplingParams;
  stream: boolean;
  /** `stream_options.include_usage`: a last chunk with `usage` and no choices. */
  includeUsage: boolean;
  format: GenerationFormat;
  slots: RequestSlots;
  metrics: EngineMetrics;
  logger: Logger;
  /** Aborts when the client disconnects. */
  clientSignal: AbortSignal;
  /** Aborts when the engine shuts down and its grace period is over. */
  shutdownSignal: AbortSignal;
}

/** Status answered to a client that left before its request ran (nobody reads it). */
const CLIENT_CLOSED_REQUEST = 499;

function shuttingDown(): HttpError {
  return new HttpError(503, 'the engine shut down before this request finished', {
    type: 'service_unavailable_error',
    code: 'shutting_down',
  });
}

function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/**
 * Run one generation through the request slots and answer it as JSON or as a token-by-token SSE
 * stream. A client that disconnects aborts its generation (or leaves the queue). A full queue
 * throws QueueFullError before anything is sent (→ 429).
 */
export async function serveGeneration(options: ServeGenerationOptions): Promise<Response> {
  const { prepared, metrics, endpoint } = options;
  const abort = new AbortController();
  const stopSignal = AbortSignal.any([options.clientSignal, options.shutdownSignal]);
  const onStop = () => abort.abort(new Error('client disconnected or engine shutting down'));
  if (stopSignal.aborted) onStop();
  stopSignal.addEventListener('abort', onStop, { once: true });

  let release: () => void;
  try {
    release = await options.slots.acquire(abort.signal);
  } catch (error) {
    stopSignal.removeEventListener('abort', onStop);
    if (!abort.signal.aborted) throw error;
    if (options.shutdownSignal.aborted) throw shuttingDown();
    metrics.recordRequest(endpoint, 'aborted');
    return new Response(null, { status: CLIENT_CLOSED_REQUEST });
  }
  metrics.addPromptTokens(prepared.promptTokens);
  const started = Date.now();
  let streamedTokens = 0;

  const run = async (onText: (text: string) => void): Promise<GenerationResult> => {
    try {
      const result = await prepared.generate(options.params, {
        signal: abort.signal,
        onText,
        onTokens: (count) => {
          streamedTokens += count;
          metrics.addGenerationTokens(count);
        },
      });
      metrics.addGenerationTokens(Math.max(0, result.completionTokens - streamedTokens));
      metrics.recordFinished(result.aborted ? 'abort' : result.finishReason);
      metrics.recordRequest(endpoint, result.aborted ? 'aborted' : 'success');
      options.logger.info(
        {
          endpoint,
          promptTokens: prepared.promptTokens,
          completionTokens: result.completionTokens,
          finishReason: result.aborted ? 'abort' : result.finishReason,
          durationMs: Date.now() - started,
          stream: options.stream,
        },
        !result.aborted
          ? 'request finished'
          : options.shutdownSignal.aborted
            ? 'request aborted by shutdown'
            : 'request aborted by client',
      );
      return result;
    } catch (error) {
      metrics.recordRequest(endpoint, 'error');
      options.logger.error({ endpoint, err: error }, 'generation failed');
      throw error;
    } finally {
      stopSignal.removeEventListener('abort', onStop);
      release();
    }
  };

  if (!options.stream) {
    const result = await run(() => {});
    if (result.aborted && options.shutdownSignal.aborted) throw shuttingDown();
    if (result.aborted) return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    return Response.json(
      options.format.completeBody(result, usageOf(prepared.promptTokens, result.completionTokens)),
    );
  }
  return new Response(streamBody(options, run, abort), { headers: SSE_HEADERS });
}

function streamBody(
  options: ServeGenerationOptions,
  run: (onText: (text: string) => void) => Promise<GenerationResult>,
  abort: AbortController,
): ReadableStream<Uint8Array> {
  const { format } = options;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (bytes: Uint8Array) => {
        if (!closed) controller.enqueue(bytes);
      };
      for (const chunk of format.openingChunks()) send(sseData(chunk));
      void run((text) => {
        if (text !== '') send(sseData(format.textChunk(text)));
      })
        .then((result) => {
          if (result.aborted && options.shutdownSignal.aborted)
            send(sseData(toErrorAnswer(shuttingDown()).body));
          if (result.aborted) return;
          send(sseData(format.finalChunk(result.finishReason)));
          if (options.includeUsage) {
            send(sseData(format.usageChunk(usageOf(options.prepared.promptTokens, result.completionTokens))));
          }
        })
        .catch((error: unknown) => send(sseData(toErrorAnswer(error).body)))
        .finally(() => {
          send(SSE_DONE);
          if (!closed) {
            closed = true;
            controller.close();
          }
        });
    },
    cancel() {
      closed = true;
      abort.abort(new Error('client disconnected'));
    },
  });
}

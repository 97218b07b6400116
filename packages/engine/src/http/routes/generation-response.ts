import type { ChatCompletionRequest, CompletionRequest } from '@sage/protocol';
import type { GenerationModel, PreparedGeneration } from '../../runtime/serving-model.js';
import type { RouteContext } from '../route-context.js';
import { samplingParams } from '../sampling-params.js';
import { type GenerationFormat, serveGeneration } from '../serve-generation.js';

/** Builds the response shapes of one route (chat or completion) for one request. */
export type GenerationFormatFactory = (
  model: string,
  created: number,
  includeUsage: boolean,
) => GenerationFormat;

/**
 * What chat and completion routes share once the prompt is prepared: sampling from the request,
 * usage chunk on request, and the slot-limited generation answered as JSON or SSE.
 */
export function respondWithGeneration(options: {
  context: RouteContext;
  endpoint: string;
  request: ChatCompletionRequest | CompletionRequest;
  model: GenerationModel;
  prepared: PreparedGeneration;
  format: GenerationFormatFactory;
  clientSignal: AbortSignal;
}): Promise<Response> {
  const { context, request, prepared } = options;
  const stream = request.stream === true;
  const includeUsage = stream && request.stream_options?.include_usage === true;
  return serveGeneration({
    endpoint: options.endpoint,
    prepared,
    params: samplingParams(request, prepared.promptTokens, options.model),
    stream,
    includeUsage,
    format: options.format(context.state.servedModelName, Math.floor(context.now() / 1000), includeUsage),
    slots: context.slots,
    metrics: context.metrics,
    logger: context.logger,
    clientSignal: options.clientSignal,
    shutdownSignal: context.shutdownSignal,
  });
}

import { promptPrefixHashes } from '@sage/control-plane';
import { formatServerSentEvent, HEADERS, serverSentEventData } from '@sage/protocol';
import { type Context, Hono } from 'hono';
import type { ErrorBodyShape } from '../errors/error-response.js';
import { describeError } from '../errors/error-table.js';
import type { GatewayEnv } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { schedulingHints } from '../middleware/scheduling-hints.js';
import type { InferenceForwarder } from '../proxy/inference-forwarder.js';
import type { InferenceRoute } from '../proxy/inference-request.js';
import { clientLink } from '../request/client-connection.js';
import { type JsonBodyLimits, parseJsonBytes, readBodyBytes } from '../request/read-json-body.js';
import type { ChatAnswer, ChatChunk } from '../translate/chat-shapes.js';
import {
  anthropicError,
  chatToMessage,
  MessagesStreamTranslator,
  messagesToChat,
  newMessageId,
  parseMessagesRequest,
} from '../translate/messages-api.js';
import {
  chatToResponse,
  newResponseFrame,
  parseResponsesRequest,
  ResponsesStreamTranslator,
  responsesToChat,
} from '../translate/responses-api.js';

/** What the translated routes need (the OpenAI routes' options). */
export interface TranslatedRoutesOptions {
  forwarder: InferenceForwarder;
  metrics: GatewayMetrics;
  bodyLimits: JsonBodyLimits;
}

interface StreamTranslator {
  chunk(chunk: ChatChunk): Array<{ type: string }>;
  finish(): Array<{ type: string }>;
}

/** One API served over chat completions on engines that lack it. */
interface TranslatedApi {
  route: InferenceRoute;
  /** Backends whose engines serve the route themselves: the request goes to them as is. */
  nativeBackends: readonly string[];
  /** Validate the body and make the chat completion request (throws a 400 naming the field). */
  prepare(body: unknown): { chat: Record<string, unknown>; stream: boolean; reply: Reply };
  /** The error body of this API for an OpenAI error body. */
  errorBody(status: number, openAi: unknown): unknown;
}

interface Reply {
  whole(chat: ChatAnswer): unknown;
  stream(): StreamTranslator;
}

const RESPONSES: TranslatedApi = {
  route: { path: '/v1/responses', kind: 'llm' },
  // vLLM serves /v1/responses itself (its OpenAI server); every other backend gets chat completions.
  nativeBackends: ['vllm'],
  prepare(body) {
    const request = parseResponsesRequest(body);
    const frame = newResponseFrame(request);
    return {
      chat: responsesToChat(request),
      stream: request.stream === true,
      reply: {
        whole: (chat) => chatToResponse(frame, chat),
        stream: () => new ResponsesStreamTranslator(frame),
      },
    };
  },
  errorBody: (_status, openAi) => openAi,
};

const MESSAGES: TranslatedApi = {
  route: { path: '/v1/messages', kind: 'llm' },
  nativeBackends: [],
  prepare(body) {
    const request = parseMessagesRequest(body);
    const id = newMessageId();
    return {
      chat: messagesToChat(request),
      stream: request.stream === true,
      reply: {
        whole: (chat) => chatToMessage(id, chat, request.model),
        stream: () => new MessagesStreamTranslator(id, request.model),
      },
    };
  },
  errorBody: anthropicError,
};

const encoder = new TextEncoder();

function copyHeaders(from: Response, contentType: string): Headers {
  const headers = new Headers();
  for (const name of [HEADERS.requestId, HEADERS.engineId, HEADERS.errorSource]) {
    const value = from.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set('content-type', contentType);
  return headers;
}

/** The chat completion event stream of `response` → this API's events, as SSE bytes. */
function translateStream(response: Response, translator: StreamTranslator): ReadableStream<Uint8Array> {
  const body = response.body;
  if (!body) throw new Error('a streamed answer without a body');
  const source = serverSentEventData(body)[Symbol.asyncIterator]();
  const write = (events: Array<{ type: string }>) =>
    encoder.encode(events.map((event) => formatServerSentEvent(event, event.type)).join(''));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await source.next();
        if (next.done) {
          controller.enqueue(write(translator.finish()));
          controller.close();
          return;
        }
        let chunk: ChatChunk;
        try {
          chunk = JSON.parse(next.value) as ChatChunk;
        } catch {
          continue; // not an OpenAI chunk: nothing to translate
        }
        const events = translator.chunk(chunk);
        if (chunk.error) {
          controller.enqueue(write(events));
          controller.close();
          await source.return?.();
          return;
        }
        if (events.length > 0) {
          controller.enqueue(write(events));
          return;
        }
      }
    },
    async cancel() {
      // The client left: stop reading, which aborts the engine request (the relay sees it).
      await source.return?.();
      await body.cancel().catch(() => undefined);
    },
  });
}

function translatedRoute(api: TranslatedApi, options: TranslatedRoutesOptions) {
  let sequence = 0;
  const failed = (c: Context<GatewayEnv>, error: unknown) => {
    options.metrics.observeInference({
      route: api.route.path,
      model: '',
      engineId: '',
      status: describeError(error).mapping.status,
      durationSeconds: (performance.now() - c.get('startedAt')) / 1000,
    });
  };
  return async (c: Context<GatewayEnv>): Promise<Response> => {
    let body: Uint8Array;
    let json: Record<string, unknown>;
    let prepared: ReturnType<TranslatedApi['prepare']>;
    try {
      body = await readBodyBytes(c, options.bodyLimits.limitBytes);
      json = parseJsonBytes(body, options.bodyLimits.maxDepth) as Record<string, unknown>;
      prepared = api.prepare(json);
    } catch (error) {
      // The gateway's error handler answers it, in this API's shape (`translatedErrorShapes`).
      failed(c, error);
      throw error;
    }
    const requestId = c.get('requestId');
    sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
    let native = false;
    const response = await options.forwarder.forward({
      route: api.route,
      requestId,
      schedulingId: `${requestId}#${sequence}`,
      startedAt: c.get('startedAt'),
      body,
      json,
      model: typeof json.model === 'string' ? json.model : undefined,
      hints: c.get('hints'),
      // Affinity by the prompt as the engine renders it: the chat form of the request.
      prefixHashes: () => promptPrefixHashes(prepared.chat),
      estimatedTokens: typeof prepared.chat.max_tokens === 'number' ? prepared.chat.max_tokens : undefined,
      client: clientLink(c),
      translation: {
        path: '/v1/chat/completions',
        json: prepared.chat,
        nativeBackends: api.nativeBackends,
        onAttempt: (isNative) => {
          native = isNative;
        },
      },
    });
    if (native) return response;
    if (response.status >= 400) {
      const text = await response.text();
      let openAi: unknown;
      try {
        openAi = JSON.parse(text);
      } catch {
        openAi = { error: { message: text, type: 'server_error', code: 'engine_error', param: null } };
      }
      return new Response(JSON.stringify(api.errorBody(response.status, openAi)), {
        status: response.status,
        headers: copyHeaders(response, 'application/json'),
      });
    }
    if (!prepared.stream) {
      const chat = (await response.json()) as ChatAnswer;
      return new Response(JSON.stringify(prepared.reply.whole(chat)), {
        status: 200,
        headers: copyHeaders(response, 'application/json'),
      });
    }
    const headers = copyHeaders(response, 'text/event-stream');
    headers.set('cache-control', 'no-cache');
    headers.set('x-accel-buffering', 'no');
    return new Response(translateStream(response, prepared.reply.stream()), { status: 200, headers });
  };
}

/** The translated APIs whose errors have a shape of their own, for the gateway's error handler. */
export const translatedErrorShapes: ReadonlyArray<{ path: string; shape: ErrorBodyShape }> = [
  { path: MESSAGES.route.path, shape: MESSAGES.errorBody },
];

/**
 * `POST /v1/responses` (OpenAI's Responses API) and `POST /v1/messages` (Anthropic's Messages
 * API), mounted under `/v1`, through the scheduler like every inference route: passed through to
 * engines that serve the API (vLLM serves `/v1/responses`), translated to and from chat
 * completions for the others, streaming included.
 */
export function translatedRoutes(options: TranslatedRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  for (const api of [RESPONSES, MESSAGES]) {
    const path = api.route.path.slice('/v1'.length);
    app.use(path, schedulingHints());
    app.post(path, translatedRoute(api, options));
  }
  return app;
}

import { type ControlPlane, ModelNotFoundError, promptPrefixHashes } from '@sage/control-plane';
import {
  acceptsTraffic,
  ChatCompletionRequest,
  CompletionRequest,
  EmbeddingRequest,
  type ModelEntry,
  type ModelList,
  parseOrThrow,
} from '@sage/protocol';
import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import { describeError } from '../errors/error-table.js';
import type { GatewayEnv } from '../gateway-env.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { schedulingHints } from '../middleware/scheduling-hints.js';
import type { InferenceForwarder } from '../proxy/inference-forwarder.js';
import type { InferenceRoute } from '../proxy/inference-request.js';
import { clientLink } from '../request/client-connection.js';
import { quickCheckChat, quickCheckCompletion, quickCheckEmbedding } from '../request/quick-check.js';
import { type JsonBodyLimits, parseJsonBytes, readBodyBytes } from '../request/read-json-body.js';

/** What the OpenAI routes need. */
export interface OpenAiRoutesOptions {
  manager: ControlPlane;
  forwarder: InferenceForwarder;
  metrics: GatewayMetrics;
  bodyLimits: JsonBodyLimits;
}

interface RouteSpec {
  route: InferenceRoute;
  schema: z.ZodType<Record<string, unknown>>;
  what: string;
  /** True when the parsed body certainly passes `schema` (then zod is skipped). */
  quickCheck: (body: unknown) => boolean;
  /** Tokens the request may generate, for `cost_optimized`. */
  estimatedTokens: (body: Record<string, unknown>) => number | undefined;
  /** Whether the prompt is hashed for prefix-cache affinity (chat and completions). */
  hashesPrompt: boolean;
}

const maxTokens = (body: Record<string, unknown>): number | undefined => {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' ? value : undefined;
};

const ROUTES: readonly RouteSpec[] = [
  {
    route: { path: '/v1/chat/completions', kind: 'llm' },
    schema: ChatCompletionRequest,
    what: 'invalid chat completion request',
    quickCheck: quickCheckChat,
    estimatedTokens: maxTokens,
    hashesPrompt: true,
  },
  {
    route: { path: '/v1/completions', kind: 'llm' },
    schema: CompletionRequest,
    what: 'invalid completion request',
    quickCheck: quickCheckCompletion,
    estimatedTokens: maxTokens,
    hashesPrompt: true,
  },
  {
    route: { path: '/v1/embeddings', kind: 'embedding' },
    schema: EmbeddingRequest,
    what: 'invalid embedding request',
    quickCheck: quickCheckEmbedding,
    estimatedTokens: () => undefined,
    hashesPrompt: false,
  },
];

/**
 * `GET /v1/models`: every catalog model with its state (loaded, loading, unloaded, failed) and
 * aliases, then one entry per other model id served by a RUNNING engine, with its kind.
 */
function listModels(manager: ControlPlane): ModelList {
  const byModel = new Map<string, ModelEntry>();
  for (const status of manager.catalog.list()) {
    const { model } = status;
    byModel.set(model.name, {
      id: model.name,
      object: 'model',
      created: Math.floor((status.lastUsedAt ?? 0) / 1000),
      owned_by: 'sage',
      kind: model.kind,
      state: status.state,
      aliases: [...model.aliases],
    });
  }
  for (const engine of manager.listEngines()) {
    if (!acceptsTraffic(engine.status) || byModel.has(engine.modelId)) continue;
    byModel.set(engine.modelId, {
      id: engine.modelId,
      object: 'model',
      created: Math.floor(Date.parse(engine.createdAt) / 1000),
      owned_by: 'sage',
      kind: engine.engineKind,
    });
  }
  return { object: 'list', data: [...byModel.values()] };
}

/**
 * The OpenAI-compatible routes, mounted under `/v1`: models, chat completions, completions and
 * embeddings. Bodies are validated (errors name the field, unknown fields are kept; a quick
 * plain-JS check first, the zod schema when it is not certain) and then forwarded as received,
 * through the scheduler, to an engine.
 */
export function openAiRoutes(options: OpenAiRoutesOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  let sequence = 0;
  app.get('/models', (c) => c.json(listModels(options.manager)));
  // Model ids contain `/`: the openai SDK sends `sage%2Ftiny-chat`, curl users `sage/tiny-chat`.
  app.get('/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const entry = listModels(options.manager).data.find((model) => model.id === id);
    if (!entry) throw new ModelNotFoundError(id, 'llm');
    return c.json(entry);
  });
  app.use('/chat/completions', schedulingHints());
  app.use('/completions', schedulingHints());
  app.use('/embeddings', schedulingHints());
  for (const spec of ROUTES) {
    app.post(spec.route.path.slice('/v1'.length), async (c: Context<GatewayEnv>) => {
      let body: Uint8Array;
      let json: Record<string, unknown>;
      try {
        body = await readBodyBytes(c, options.bodyLimits.limitBytes);
        const parsed = parseJsonBytes(body, options.bodyLimits.maxDepth);
        // The usual body passes a plain-JS check; anything else gets the schema, which writes
        // the 400 naming the field. Either way the original bytes are what is forwarded.
        json = spec.quickCheck(parsed)
          ? (parsed as Record<string, unknown>)
          : parseOrThrow(spec.schema, parsed, spec.what);
      } catch (error) {
        const { mapping } = describeError(error);
        options.metrics.observeInference({
          route: spec.route.path,
          model: '',
          engineId: '',
          status: mapping.status,
          durationSeconds: (performance.now() - c.get('startedAt')) / 1000,
          errorType: mapping.type,
          errorCode: mapping.code,
        });
        throw error;
      }
      const requestId = c.get('requestId');
      sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
      return options.forwarder.forward({
        route: spec.route,
        requestId,
        schedulingId: `${requestId}#${sequence}`,
        startedAt: c.get('startedAt'),
        body,
        json,
        model: typeof json.model === 'string' ? json.model : undefined,
        hints: c.get('hints'),
        estimatedTokens: spec.estimatedTokens(json),
        prefixHashes: spec.hashesPrompt ? () => promptPrefixHashes(json) : undefined,
        client: clientLink(c),
      });
    });
  }
  return app;
}

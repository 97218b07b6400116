import { type ControlPlane, type ModelPullEvent, parseModelRef } from '@sage/control-plane';
import {
  type CachedModel,
  type CachedModelListWire,
  type CachedModelWire,
  type ModelPullEventWire,
  ModelPullRequestWire,
  NDJSON_MEDIA_TYPE,
  openAiError,
  toWire,
} from '@sage/protocol';
import { type Context, Hono } from 'hono';
import type { Logger } from 'pino';
import { describeError } from '../errors/error-table.js';
import type { GatewayEnv } from '../gateway-env.js';
import { type JsonBodyLimits, readJsonBody } from '../request/read-json-body.js';

/** What the model cache routes need. */
export interface ModelRoutesOptions {
  manager: ControlPlane;
  bodyLimits: JsonBodyLimits;
  logger: Logger;
}

function modelToWire(model: CachedModel): CachedModelWire {
  return toWire<CachedModelWire>(model);
}

function eventToWire(event: ModelPullEvent): ModelPullEventWire {
  if (event.type === 'done') return { type: 'done', model: modelToWire(event.model) };
  return toWire<ModelPullEventWire>(event);
}

function errorEvent(error: unknown): ModelPullEventWire {
  const described = describeError(error);
  const body = openAiError(described.message, {
    type: described.mapping.type,
    code: described.mapping.code,
    param: described.param,
  });
  return { type: 'error', error: body.error };
}

/**
 * `/v1/management/models`: the model cache (docs/models.md).
 * - `POST /pull` `{ ref, quant?, revision?, sha256? }` pulls a model and streams its progress as
 *   NDJSON (`application/x-ndjson`, one `ModelPullEventWire` a line), or as SSE when the client
 *   accepts `text/event-stream`. A reference that is invalid, missing or gated is answered with
 *   its own status before the stream starts; a failure after that is a last `error` event. A
 *   client that goes away cancels the pull (the partial file stays for the next one).
 * - `GET /cache` lists the cache; `DELETE /cache/{id}` deletes an entry and its file.
 * Behind the management guard and admin auth like every `/v1/management` route.
 */
export function modelRoutes(options: ModelRoutesOptions): Hono<GatewayEnv> {
  const { manager } = options;
  const app = new Hono<GatewayEnv>();

  app.post('/pull', async (c) => {
    const body = await readJsonBody(
      c,
      ModelPullRequestWire,
      'invalid model pull request',
      options.bodyLimits,
    );
    // Checked before anything is fetched: a 400 naming ref, quant or revision.
    parseModelRef(body.ref, { quant: body.quant, revision: body.revision });
    return pullStream(c, manager, body, options.logger);
  });
  app.get('/cache', async (c) =>
    c.json({ models: (await manager.listCachedModels()).map(modelToWire) } satisfies CachedModelListWire),
  );
  app.delete('/cache/:id', async (c) => {
    const removed = await manager.removeCachedModel(c.req.param('id'));
    return c.json({ removed: modelToWire(removed) });
  });
  return app;
}

async function pullStream(
  c: Context<GatewayEnv>,
  manager: ControlPlane,
  body: ModelPullRequestWire,
  logger: Logger,
): Promise<Response> {
  const sse = (c.req.header('accept') ?? '').includes('text/event-stream');
  const encoder = new TextEncoder();
  const format = (event: ModelPullEventWire) =>
    encoder.encode(sse ? `data: ${JSON.stringify(event)}\n\n` : `${JSON.stringify(event)}\n`);
  const pending: ModelPullEventWire[] = [];
  let wake: (() => void) | undefined;
  let settled = false;
  let failure: unknown;
  const abort = new AbortController();
  c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
  const push = (event: ModelPullEventWire) => {
    pending.push(event);
    wake?.();
  };
  const pull = manager
    .pullModel(
      { ref: body.ref, quant: body.quant, revision: body.revision, sha256: body.sha256 },
      { signal: abort.signal, onEvent: (event) => push(eventToWire(event)) },
    )
    .then(
      () => {
        settled = true;
        wake?.();
      },
      (error: unknown) => {
        settled = true;
        failure = error;
        wake?.();
      },
    );
  const next = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  // Until the first event, a failure is an ordinary error answer (404, 403, 503 …).
  while (pending.length === 0 && !settled) await next();
  if (pending.length === 0 && failure !== undefined) throw failure;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (pending.length === 0 && !settled) await next();
      const event = pending.shift();
      if (event) {
        controller.enqueue(format(event));
        return;
      }
      if (failure !== undefined) {
        logger.warn({ ref: body.ref, err: failure }, 'model-pull-failed');
        controller.enqueue(format(errorEvent(failure)));
      }
      if (sse) controller.enqueue(encoder.encode('data: [DONE]\n\n'));
      controller.close();
    },
    cancel() {
      abort.abort();
    },
  });
  void pull;
  return new Response(stream, {
    status: 200,
    headers: {
      'content-type': sse ? 'text/event-stream' : NDJSON_MEDIA_TYPE,
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    },
  });
}

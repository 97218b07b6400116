import { openAiError } from '@sage/protocol';
import { Hono } from 'hono';
import { toErrorAnswer } from './http-error.js';
import type { RouteContext } from './route-context.js';
import { chatCompletionsRoute } from './routes/chat-completions.js';
import { completionsRoute } from './routes/completions.js';
import { embeddingsRoute } from './routes/embeddings.js';
import { healthRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelsRoute } from './routes/models.js';

/**
 * The engine's OpenAI-compatible HTTP app (no socket: `app.request()` drives it in tests).
 * Every error is answered in OpenAI's shape by one `onError`.
 *
 * @example
 * const app = createEngineApp({ state, slots, metrics, logger, shutdownSignal, now: Date.now });
 * const response = await app.request('/health');
 */
export function createEngineApp(context: RouteContext): Hono {
  const app = new Hono();
  for (const route of [
    healthRoute,
    metricsRoute,
    modelsRoute,
    chatCompletionsRoute,
    completionsRoute,
    embeddingsRoute,
  ]) {
    app.route('/', route(context));
  }
  app.notFound((c) =>
    c.json(
      openAiError(`no route ${c.req.method} ${c.req.path}`, {
        type: 'invalid_request_error',
        code: 'not_found',
      }),
      404,
    ),
  );
  app.onError((error, c) => {
    const answer = toErrorAnswer(error);
    if (c.req.path.startsWith('/v1/') && c.req.method === 'POST')
      context.metrics.recordRequest(c.req.path, answer.outcome);
    if (answer.status >= 500 && answer.status !== 503)
      context.logger.error({ err: error, path: c.req.path }, 'request failed');
    else
      context.logger.debug(
        { path: c.req.path, status: answer.status, message: answer.body.error.message },
        'request refused',
      );
    return c.json(answer.body, answer.status, answer.headers);
  });
  return app;
}

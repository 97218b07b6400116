import type { ModelList } from '@sage/protocol';
import { Hono } from 'hono';
import type { RouteContext } from '../route-context.js';

/** `GET /v1/models`: the one served model; 503 while loading (it doubles as an LLM health path). */
export function modelsRoute(context: RouteContext): Hono {
  return new Hono().get('/v1/models', (c) => {
    context.state.servingModel();
    const body: ModelList = {
      object: 'list',
      data: [
        {
          id: context.state.servedModelName,
          object: 'model',
          created: context.state.createdAt,
          owned_by: 'sage',
          kind: context.state.kind,
        },
      ],
    };
    return c.json(body);
  });
}

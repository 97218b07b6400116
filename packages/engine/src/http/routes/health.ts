import { Hono } from 'hono';
import type { RouteContext } from '../route-context.js';

/** `GET /health`: 200 once the model serves, 503 while it loads or the engine shuts down. */
export function healthRoute(context: RouteContext): Hono {
  return new Hono().get('/health', (c) => {
    const status = context.state.status;
    const body = { status, model: context.state.servedModelName, kind: context.state.kind };
    return c.json(body, status === 'ready' ? 200 : 503);
  });
}

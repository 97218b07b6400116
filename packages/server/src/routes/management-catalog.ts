import type { CatalogModelStatus, ControlPlane } from '@sage/control-plane';
import type { CatalogListWire, CatalogModelStatusWire } from '@sage/protocol';
import { type Context, Hono } from 'hono';
import type { GatewayEnv } from '../gateway-env.js';

/** What the catalog routes need. */
export interface CatalogRoutesOptions {
  manager: ControlPlane;
}

/** A catalog model and its state in wire (snake_case) form. */
function catalogModelToWire(status: CatalogModelStatus): CatalogModelStatusWire {
  const { model } = status;
  return {
    name: model.name,
    aliases: [...model.aliases],
    model_id: model.modelId,
    kind: model.kind,
    backend: model.backend ?? null,
    state: status.state,
    engine_ids: status.engineIds,
    replicas: status.engineIds.length,
    min_replicas: model.minReplicas,
    max_replicas: model.maxReplicas,
    ttl_s: model.ttlS,
    priority: model.priority,
    pinned: model.pinned,
    memory_gb: model.memoryGb ?? null,
    last_used_at: status.lastUsedAt === null ? null : new Date(status.lastUsedAt).toISOString(),
    last_error: status.lastError,
  };
}

/**
 * `/v1/management/catalog`: the model catalog (docs/models.md). `GET /` lists every model with
 * its state, `GET /:name` one (a name or an alias, URL-encoded when it holds a `/`),
 * `POST /:name/load` loads one engine and answers once it is RUNNING, `POST /:name/unload`
 * drains and stops its engines. Unknown names are 404.
 */
export function catalogRoutes(options: CatalogRoutesOptions): Hono<GatewayEnv> {
  const { manager } = options;
  const app = new Hono<GatewayEnv>();
  const name = (c: Context<GatewayEnv>) => c.req.param('name') ?? '';

  app.get('/', (c) =>
    c.json({ models: manager.catalog.list().map(catalogModelToWire) } satisfies CatalogListWire),
  );
  app.get('/:name', (c) => c.json(catalogModelToWire(manager.catalog.get(name(c)))));
  app.post('/:name/load', async (c) => c.json(catalogModelToWire(await manager.catalog.load(name(c)))));
  app.post('/:name/unload', async (c) => c.json(catalogModelToWire(await manager.catalog.unload(name(c)))));
  return app;
}

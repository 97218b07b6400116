/**
 * The gateway's management API as the commands use it: `@sage/llm-core`'s management client
 * (`createManagementClient`), its bodies `@sage/protocol`'s management DTOs. Tests pass a fake.
 */
export type { CachedModelListWire, CatalogListWire, HealthWire, ManagementClient } from '@sage/llm-core';

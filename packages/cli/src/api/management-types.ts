/**
 * The gateway's management API as the commands use it: `@sage/llm-core`'s management client
 * (`createManagementClient`), its bodies `@sage/protocol`'s management DTOs. Tests pass a fake.
 */
export type { HealthWire, ManagementClient } from '@sage/llm-core';
export type { CachedModelListWire, CatalogListWire } from '@sage/protocol';

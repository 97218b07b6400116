/**
 * Write the `sage.yaml` JSON Schema to schema/sage.schema.json (shipped as
 * `@sage/server/sage.schema.json`). Run from the repository root:
 *   npx tsx packages/server/scripts/write-json-schema.ts
 * then `npx biome check --write packages/server/schema`. A unit test fails when the committed
 * file differs from the schema.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gatewayConfigJsonSchema } from '../src/config/json-schema.js';

const target = fileURLToPath(new URL('../schema/sage.schema.json', import.meta.url));
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(gatewayConfigJsonSchema, null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
